package io.behalf.impersonation.slack;

import static com.slack.api.model.block.Blocks.actions;
import static com.slack.api.model.block.Blocks.asBlocks;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.asSectionFields;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static com.slack.api.model.block.element.BlockElements.asElements;
import static com.slack.api.model.block.element.BlockElements.button;

import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.composition.TextObject;
import io.behalf.impersonation.confirmation.Confirmation;
import java.util.ArrayList;
import java.util.List;

/** The Block Kit messages of this service: the DM to the admin, its answered form, and the security alert. */
public final class SlackMessages {

    public static final String CONFIRM_ACTION = "impersonation_confirm";
    public static final String DISPUTE_ACTION = "impersonation_dispute";
    public static final String CONFIRM_LABEL = "Yes, this was me";
    public static final String DISPUTE_LABEL = "No, this was not me";
    public static final String NO_CONSENT = ":warning: No active consent found for this user. Security reviews these first.";

    private SlackMessages() {
    }

    public record Message(String text, List<LayoutBlock> blocks) {
    }

    public static Message question(Confirmation c) {
        String text = "Did you just impersonate GitLab user " + c.username + "? Please confirm.";
        List<LayoutBlock> blocks = new ArrayList<>();
        blocks.add(section(s -> s.text(markdownText(":detective: *Did you just impersonate a GitLab user?*\n"
                + "GitLab recorded that you (" + c.adminUsername + ") started impersonating *" + c.username
                + "*. Please confirm it was you."))));
        blocks.add(section(s -> s.fields(details(c))));
        blocks.add(actions(a -> a.blockId("impersonation:" + c.impersonationId).elements(asElements(
                button(b -> b.actionId(CONFIRM_ACTION).text(plainText(CONFIRM_LABEL)).style("primary")
                        .value(c.impersonationId)),
                button(b -> b.actionId(DISPUTE_ACTION).text(plainText(DISPUTE_LABEL)).style("danger")
                        .value(c.impersonationId))))));
        return new Message(text, blocks);
    }

    /** The DM once answered or overdue: same details, the buttons replaced by the outcome. */
    public static Message answered(Confirmation c, String outcome) {
        String line = switch (outcome) {
            case "CONFIRMED" -> ":white_check_mark: Confirmed by <@" + c.decidedBy + "> at " + c.decidedAt + ". Thank you.";
            case "DISPUTED" -> ":x: You said this was not you. The security team has been alerted.";
            default -> ":hourglass: Not answered by " + c.deadline + ". The security team has been alerted.";
        };
        return new Message(line, asBlocks(
                section(s -> s.text(markdownText("*Impersonation of " + c.username + "*\n" + line))),
                section(s -> s.fields(details(c)))));
    }

    /** The alert for the security channel; {@code why} says what went wrong (disputed, unanswered, not asked). */
    public static Message securityAlert(Confirmation c, String reason, String why) {
        String headline = switch (reason) {
            case "DISPUTED" -> "Impersonation disputed: the admin says it was not them";
            case "UNCONFIRMED" -> "Impersonation not confirmed by the deadline";
            default -> "Impersonation could not be confirmed: the admin could not be asked";
        };
        String text = ":rotating_light: " + headline + ": admin " + c.adminUsername + " (GitLab user " + c.adminUserId
                + ") impersonated " + c.username + " (GitLab user " + c.userId + ").";
        List<TextObject> fields = new ArrayList<>(details(c));
        fields.add(markdownText("*Admin*\n" + c.adminUsername + " (GitLab user " + c.adminUserId + ")"));
        fields.add(markdownText("*Impersonation id*\n" + c.impersonationId));
        return new Message(text, asBlocks(
                section(s -> s.text(markdownText(":rotating_light: *" + headline + "*\n" + why))),
                section(s -> s.fields(fields))));
    }

    private static List<TextObject> details(Confirmation c) {
        return asSectionFields(
                markdownText("*Impersonated user*\n" + c.username + " (GitLab user " + c.userId + ")"),
                markdownText("*When*\n" + c.startedAt),
                markdownText("*From IP*\n" + (c.ip == null ? "unknown" : c.ip)),
                markdownText("*Ticket*\n" + (c.ticketId == null ? "none given" : c.ticketId)),
                markdownText("*Consent*\n" + (c.consentId == null ? NO_CONSENT
                        : c.consentId + " (" + c.consentAction + " on ticket " + c.consentTicketId + ")")));
    }
}
