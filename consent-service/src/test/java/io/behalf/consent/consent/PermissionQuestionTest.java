package io.behalf.consent.consent;

import static org.assertj.core.api.Assertions.assertThat;

import io.behalf.events.Action;
import io.behalf.events.Target;
import io.behalf.events.TargetKind;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PermissionQuestionTest {

    private static final Target PROJECT = new Target(TargetKind.PROJECT, "278964", "acme/backend");
    private static final Target USER = new Target(TargetKind.USER, "4711", "jdoe");

    @Test
    void everyActionHasItsOwnQuestionNamingTheTargetAndTheDetailsAndEndingWithTheHandbookSentence() {
        Set<String> openings = new HashSet<>();
        for (Action action : Action.values()) {
            Target target = PermissionQuestion.fits(action, TargetKind.PROJECT) ? PROJECT : USER;
            String details = switch (action) {
                case RELEASE_EMAIL -> "jdoe@example.com";
                case CHANGE_ACCOUNT_EMAIL, EMAIL_TYPO_FIX -> "from jdoe@exmaple.com to jdoe@example.com";
                case OTHER -> "transfer the project to the group acme-archive";
                default -> "failing job 42";
            };
            String message = PermissionQuestion.render(action, target, details);
            assertThat(message).as(action.name())
                    .startsWith("Could you please ")
                    .contains(target == PROJECT ? "project `acme/backend`" : "the account `jdoe`")
                    .contains(action == Action.RELEASE_EMAIL ? "jdoe@example.com" : details)
                    .endsWith(" " + PermissionQuestion.CLOSING)
                    .doesNotContain(action.name());
            openings.add(message.substring(0, message.indexOf(target == PROJECT ? "project `" : "the account `")));
        }
        assertThat(openings).as("no two actions share a question").hasSize(Action.values().length);
    }

    @Test
    void theHandbookExamplesAreReproducedWordForWord() {
        assertThat(PermissionQuestion.render(Action.RERUN_PIPELINES, new Target(TargetKind.PROJECT, "1", "xyz"), null))
                .isEqualTo("Could you please provide permission for Support to re-run one or more pipelines in project "
                        + "`xyz` to investigate the issue you've described? Replying in this ticket stating you "
                        + "provide permission will be sufficient.");
    }

    @Test
    void releasingAnAddressNamesTheAddressItBecomes() {
        assertThat(PermissionQuestion.render(Action.RELEASE_EMAIL, USER, "jane.doe@example.co.uk"))
                .contains("`jane.doe@example.co.uk`").contains("`jane.doe+release@example.co.uk`");
    }

    @Test
    void aTargetWithoutAPathIsNamedByItsId() {
        assertThat(PermissionQuestion.render(Action.VIEW_PRIVATE_DATA, new Target(TargetKind.GROUP, "99", null), null))
                .contains("group with ID 99");
    }
}
