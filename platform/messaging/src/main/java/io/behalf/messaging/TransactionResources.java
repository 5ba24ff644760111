package io.behalf.messaging;

import jakarta.transaction.TransactionSynchronizationRegistry;
import java.util.function.Supplier;

/** State kept for the current transaction only (what it has locked, read or held back), under a key of its own. */
public final class TransactionResources {

    private TransactionResources() {
    }

    /** The current transaction's resource under {@code key}, created by {@code create} on first use. */
    @SuppressWarnings("unchecked")
    public static <T> T getOrCreate(TransactionSynchronizationRegistry transactions, Object key, Supplier<T> create) {
        T resource = (T) transactions.getResource(key);
        if (resource == null) {
            resource = create.get();
            transactions.putResource(key, resource);
        }
        return resource;
    }
}
