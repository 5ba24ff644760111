package io.behalf.impersonation.confirmation;

/** AWAITING_ANSWER until the admin answers (CONFIRMED, DISPUTED) or the deadline passes (UNCONFIRMED). */
public enum ConfirmationState {
    AWAITING_ANSWER, CONFIRMED, DISPUTED, UNCONFIRMED;

    public boolean isDecided() {
        return this != AWAITING_ANSWER;
    }
}
