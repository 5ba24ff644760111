package io.behalf.emailrelease.release;

import static io.behalf.emailrelease.ReleaseTestSupport.inProgress;
import static org.assertj.core.api.Assertions.assertThat;

import io.behalf.emailrelease.gitlab.GitLabWireMock;
import io.behalf.testing.BehalfTestInfrastructure;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Two instances claiming at the same moment never both get one release (this application's own worker is a third). */
@QuarkusTest
@WithTestResource(value = BehalfTestInfrastructure.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = GitLabWireMock.class, scope = TestResourceScope.GLOBAL)
class ReleaseClaimsTest {

    @Inject
    ReleaseClaims claims;

    @Test
    void concurrentClaimantsNeverTakeTheSameRelease() throws Exception {
        Set<String> ours = new HashSet<>();
        for (int i = 0; i < 12; i++) {
            // abandoned by a dead instance: due, and its lease has run out
            ours.add(inProgress("claims-" + UUID.randomUUID(), "c" + i + "@example.com", ReleaseStep.REMOVE_OLD_ADDRESS,
                    "c" + i + "+release@example.com", "c-1", UUID.randomUUID(), Instant.now().minusSeconds(1)));
        }
        CyclicBarrier together = new CyclicBarrier(2);
        CompletableFuture<List<String>> first = CompletableFuture.supplyAsync(() -> claimAll(together));
        CompletableFuture<List<String>> second = CompletableFuture.supplyAsync(() -> claimAll(together));
        try {
            List<String> a = first.get(30, TimeUnit.SECONDS).stream().filter(ours::contains).toList();
            List<String> b = second.get(30, TimeUnit.SECONDS).stream().filter(ours::contains).toList();

            assertThat(a).doesNotHaveDuplicates().doesNotContainAnyElementsOf(b);
            assertThat(b).doesNotHaveDuplicates();
            // what neither test claimant got, the application's worker did: every release was claimed exactly once
            List<EmailRelease> rows = QuarkusTransaction.requiringNew().call(() -> EmailRelease.list("id in ?1", ours));
            assertThat(rows).allSatisfy(r -> assertThat(r.claimToken != null || r.status.finished()).isTrue());
        } finally {
            QuarkusTransaction.requiringNew().run(() -> EmailRelease.delete("id in ?1", ours));
        }
    }

    private List<String> claimAll(CyclicBarrier together) {
        try {
            together.await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        List<String> claimed = new ArrayList<>();
        List<ReleaseClaims.Claim> round;
        while (!(round = claims.claimDue(3)).isEmpty()) {
            round.forEach(c -> claimed.add(c.releaseId()));
        }
        return claimed;
    }
}
