package io.behalf.consent.consent;

import io.behalf.events.Action;
import io.behalf.events.Target;
import io.behalf.events.TargetKind;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The exact question posted to the ticket, one template per action in the support handbook's words. Each names
 * the action, the target and the details, so the person answering knows precisely what they allow, and each ends
 * with the handbook's closing sentence.
 */
public final class PermissionQuestion {

    public static final String CLOSING = "Replying in this ticket stating you provide permission will be sufficient.";

    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}");

    private PermissionQuestion() {
    }

    /** The message for {@code action} on {@code target}; {@code details} has been validated by the caller. */
    public static String render(Action action, Target target, String details) {
        String on = describe(target);
        String why = details == null || details.isBlank() ? "" : " (" + details.strip() + ")";
        String question = switch (action) {
            case VIEW_PRIVATE_DATA -> "Could you please provide permission for Support to look at the private data of "
                    + on + why + " to investigate the issue you've described?";
            case RERUN_PIPELINES -> "Could you please provide permission for Support to re-run one or more pipelines in "
                    + on + why + " to investigate the issue you've described?";
            case VIEW_CICD_VARIABLES -> "Could you please provide permission for our Support Engineers to look at the "
                    + "CI/CD variables, including their secret values, in " + on + why
                    + " so that we can confirm they are correct?";
            case DOWNLOAD_DATA -> "Could you please provide permission for Support to download data from " + on + why
                    + " to reproduce the issue? We will delete the downloaded data when this ticket is solved.";
            case DELETE_PROJECT -> "Could you please confirm that you would like us to delete " + on + why
                    + "? A deleted project cannot be restored by Support.";
            case CHANGE_ACCOUNT_EMAIL -> "Could you please confirm that you would like us to change the email address of "
                    + on + " as follows: " + details.strip() + "?";
            case EMAIL_TYPO_FIX -> "Could you please confirm that you would like us to correct the mistyped email "
                    + "address of " + on + " as follows: " + details.strip() + "?";
            case RELEASE_EMAIL -> {
                String address = emailIn(details).orElseThrow();
                yield "Could you please confirm that you would like us to release the email address `" + address
                        + "` from " + on + " by changing it to `" + releasedAddress(address)
                        + "`, so that you can use `" + address + "` for another account?";
            }
            case IMPERSONATE_USER -> "Could you please provide permission for Support to impersonate " + on + why
                    + "? Impersonating updates the account's current sign-in IP and time.";
            case OTHER -> "Could you please provide permission for Support to " + details.strip() + " in " + on + "?";
        };
        return question + " " + CLOSING;
    }

    /** "project `acme/backend`", "group `acme`", "the account `jdoe`"; the id when the path is not known. */
    static String describe(Target target) {
        String name = target.path() == null || target.path().isBlank()
                ? "with ID " + target.id()
                : "`" + target.path() + "`";
        return switch (target.kind()) {
            case PROJECT -> "project " + name;
            case GROUP -> "group " + name;
            case USER -> "the account " + name;
        };
    }

    /** The first email address written in {@code text}. */
    public static Optional<String> emailIn(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher m = EMAIL.matcher(text);
        return m.find() ? Optional.of(m.group()) : Optional.empty();
    }

    /** Rule 6: {@code local+release@domain}, keeping the rest of the address as it was. */
    public static String releasedAddress(String address) {
        int at = address.lastIndexOf('@');
        return address.substring(0, at) + "+release" + address.substring(at);
    }

    /** Which kinds of target an action can be taken on. */
    static boolean fits(Action action, TargetKind kind) {
        return switch (action) {
            case CHANGE_ACCOUNT_EMAIL, EMAIL_TYPO_FIX, RELEASE_EMAIL, IMPERSONATE_USER -> kind == TargetKind.USER;
            case RERUN_PIPELINES, DELETE_PROJECT -> kind == TargetKind.PROJECT;
            case VIEW_CICD_VARIABLES -> kind == TargetKind.PROJECT || kind == TargetKind.GROUP;
            case VIEW_PRIVATE_DATA, DOWNLOAD_DATA, OTHER -> true;
        };
    }
}
