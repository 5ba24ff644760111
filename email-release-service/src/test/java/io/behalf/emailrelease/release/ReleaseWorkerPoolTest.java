package io.behalf.emailrelease.release;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.behalf.emailrelease.ReleaseTestSupport.awaitStatus;
import static io.behalf.emailrelease.ReleaseTestSupport.inProgress;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.behalf.emailrelease.gitlab.GitLabStub;
import io.behalf.emailrelease.gitlab.GitLabWireMock;
import io.behalf.testing.BehalfTestInfrastructure;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The worker pool: releases of different accounts are worked at the same time, each by one worker only, and one
 * account's releases one after the other. GitLab answers the step's read after {@link #DELAY_MS}; whether two
 * requests were in flight at once is read from the stub's journal (arrival, and the delay it added), not from how
 * long the test took.
 */
@QuarkusTest
@WithTestResource(value = BehalfTestInfrastructure.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = GitLabWireMock.class, scope = TestResourceScope.GLOBAL)
class ReleaseWorkerPoolTest {

    /** well inside the test's GitLab timeout (3s), long against a claim (milliseconds) */
    private static final int DELAY_MS = 2_000;

    @Test
    void releasesOfDifferentAccountsAreWorkedAtTheSameTimeEachByOneWorker() {
        List<GitLabStub> accounts = new ArrayList<>();
        List<String> releases = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            GitLabStub gitlab = slowAccount();
            accounts.add(gitlab);
            releases.add(leftByACrash(gitlab, old(gitlab, "a"), "x@example.com"));
        }
        leasesRunOut(releases);

        releases.forEach(id -> awaitStatus(id, ReleaseStatus.COMPLETED));

        List<ServeEvent> reads = new ArrayList<>();
        for (GitLabStub gitlab : accounts) {
            // worked once: one read, one delete; a second worker on the same release would have asked again
            assertThat(gitlab.requests()).containsExactly("GET " + gitlab.users() + "/emails",
                    "DELETE " + gitlab.users() + "/emails/7");
            reads.add(gitlab.served().get(0));
        }
        long firstArrived = reads.stream().mapToLong(ReleaseWorkerPoolTest::arrived).min().orElseThrow();
        long lastArrived = reads.stream().mapToLong(ReleaseWorkerPoolTest::arrived).max().orElseThrow();
        // one at a time, each read would have arrived after the one before was answered (≥ 2 × DELAY_MS apart)
        assertThat(lastArrived - firstArrived)
                .as("the last of the three reads arrived while the first was still waiting for its answer")
                .isLessThan(DELAY_MS);
    }

    @Test
    void oneAccountsReleasesAreWorkedOneAfterTheOther() {
        GitLabStub gitlab = slowAccount();
        gitlab.deleteEmailAccepted(8);
        List<String> releases = List.of(leftByACrash(gitlab, old(gitlab, "a"), "x@example.com"),
                leftByACrash(gitlab, old(gitlab, "b"), "y@example.com"));
        leasesRunOut(releases);

        releases.forEach(id -> awaitStatus(id, ReleaseStatus.COMPLETED));

        List<ServeEvent> reads = gitlab.served().stream()
                .filter(e -> e.getRequest().getMethod().getName().equals("GET"))
                .sorted(Comparator.comparingLong(ReleaseWorkerPoolTest::arrived)).toList();
        assertThat(reads).hasSize(2);
        // the second release's read came only after the first release had its answer (and finished)
        assertThat(arrived(reads.get(1)) - arrived(reads.get(0)))
                .as("the account's second release began after its first was answered")
                .isGreaterThanOrEqualTo(reads.get(0).getTiming().getAddedDelay());
        assertThat(gitlab.requests()).filteredOn(r -> r.startsWith("DELETE")).containsExactlyInAnyOrder(
                "DELETE " + gitlab.users() + "/emails/7", "DELETE " + gitlab.users() + "/emails/8");
    }

    /** A release a crashed instance left at its last step, its lease still holding: not due yet. */
    private static String leftByACrash(GitLabStub gitlab, String email, String newEmail) {
        return inProgress(gitlab.accountId, email, ReleaseStep.REMOVE_OLD_ADDRESS, newEmail, "c-1", UUID.randomUUID(),
                Instant.now().plus(Duration.ofHours(1)));
    }

    /** The leases run out together, in one transaction: the releases are due for this instance's workers at once. */
    private static void leasesRunOut(List<String> releases) {
        QuarkusTransaction.requiringNew().run(() -> EmailRelease.update(
                "claimedUntil = ?1 where id in ?2", Instant.now().minusSeconds(1), releases));
    }

    /** An account whose address list GitLab reads out slowly: a@… (7) and b@… (8), each deletable. */
    private static GitLabStub slowAccount() {
        GitLabStub gitlab = GitLabStub.newAccount();
        gitlab.stub(get(urlPathEqualTo(gitlab.users() + "/emails")),
                GitLabStub.ok(GitLabStub.emailList(7, old(gitlab, "a"), 8, old(gitlab, "b"))).withFixedDelay(DELAY_MS));
        return gitlab.deleteEmailAccepted(7);
    }

    private static String old(GitLabStub gitlab, String prefix) {
        return prefix + gitlab.accountId + "@example.com";
    }

    private static long arrived(ServeEvent event) {
        return event.getRequest().getLoggedDate().getTime();
    }
}
