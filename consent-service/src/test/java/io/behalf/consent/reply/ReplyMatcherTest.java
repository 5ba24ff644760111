package io.behalf.consent.reply;

import static io.behalf.consent.reply.ReplyMatcher.Verdict.GRANT;
import static io.behalf.consent.reply.ReplyMatcher.Verdict.NONE;
import static io.behalf.consent.reply.ReplyMatcher.Verdict.REFUSE;
import static io.behalf.consent.reply.ReplyMatcher.Verdict.UNCLEAR;
import static org.assertj.core.api.Assertions.assertThat;

import io.behalf.consent.reply.ReplyMatcher.Verdict;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Real-looking replies to a permission question and how each must be read. Never a guessed consent. */
class ReplyMatcherTest {

    static Stream<Arguments> replies() {
        return Stream.of(
                // explicit grants, in many registers of politeness
                reply("Yes, I provide permission.", GRANT),
                reply("I provide permission", GRANT),
                reply("Hi team, I hereby give permission for Support to re-run the pipelines. Thanks!", GRANT),
                reply("Yes, you have my permission to look at the CI/CD variables.", GRANT),
                reply("You have my full permission, thank you so much for your help!", GRANT),
                reply("I confirm.", GRANT),
                reply("Thanks! I confirm that you can delete the project.", GRANT),
                reply("Confirmed.", GRANT),
                reply("Permission granted, thanks for checking first.", GRANT),
                reply("Yes please, go ahead.", GRANT),
                reply("Sure, go ahead!", GRANT),
                reply("Go ahead.", GRANT),
                reply("yes   please   proceed", GRANT),
                reply("I consent to Support downloading the repository.", GRANT),
                reply("I authorize GitLab Support to impersonate my account for this ticket.", GRANT),
                reply("I give my consent.", GRANT),
                reply("Sí, I provide permission — muchas gracias!", GRANT),
                reply("Danke! You have my permission.", GRANT),
                reply("That's fine with me, please proceed.", GRANT),
                reply("I’m happy for you to re-run them.", GRANT),
                reply("**Yes, I provide permission.**\n\nKind regards,\nJane", GRANT),
                reply("Yes, I provide permission. Will the re-run use my CI minutes?", GRANT),

                // explicit refusals and negations that must never read as grants
                reply("I do not give permission.", REFUSE),
                reply("I don't provide permission for that.", REFUSE),
                reply("No, please don't.", REFUSE),
                reply("No.", REFUSE),
                reply("Please do not proceed.", REFUSE),
                reply("Please don't go ahead with this.", REFUSE),
                reply("I won't give permission to download our code, sorry.", REFUSE),
                reply("You do not have my permission.", REFUSE),
                reply("Permission denied.", REFUSE),
                reply("Absolutely not, this is production data.", REFUSE),
                reply("I'd rather you didn't look at the variables.", REFUSE),
                reply("I withdraw my request, thank you.", REFUSE),
                reply("No thank you, I will handle it myself.", REFUSE),
                reply("Merci, mais non: I do not consent.", REFUSE),
                reply("I never gave permission for that.", REFUSE),
                reply("I cannot confirm this.", REFUSE),

                // unclear: authorised authors who answer, but not clearly
                reply("Yes", UNCLEAR),
                reply("ok", UNCLEAR),
                reply("Sure.", UNCLEAR),
                reply("What exactly will you download?", UNCLEAR),
                reply("Can you go ahead tomorrow instead?", UNCLEAR),
                reply("Yes, go ahead, but please don't delete anything.", UNCLEAR),
                reply("You have my permission, but only for the staging project.", UNCLEAR),
                reply("I provide permission as long as no secrets are copied.", UNCLEAR),
                reply("Not yet, I need to check with my manager first.", UNCLEAR),
                reply("Let me think about the permission.", UNCLEAR),

                // not an answer at all
                reply("Thanks, I attached the job log.", NONE),
                reply("Here is the link: https://gitlab.example.com/acme/backend/-/jobs/42", NONE),
                reply("", NONE),
                reply("No problem, here are the logs.", NONE),
                reply("I'll go ahead and attach the logs.", NONE),

                // quoted earlier text is not the author's answer
                reply("> Could you please provide permission for Support to re-run one or more pipelines in project "
                        + "`acme/backend`? Replying in this ticket stating you provide permission will be sufficient.\n"
                        + "\nThanks, the logs are attached.", NONE),
                reply("Yes, I provide permission.\n\nOn Mon, 28 Nov 2026 at 10:00, GitLab Support <support@gitlab.com> "
                        + "wrote:\n> Could you please provide permission ...", GRANT),
                reply("No, please don't.\n\nOn Mon, Nov 28, 2026 at 10:00 AM GitLab Support\n<support@gitlab.com> wrote:\n"
                        + "> Yes, I provide permission (quoting an earlier example)", REFUSE),
                reply("Sent from my phone\n\nOn 28 Nov 2026, at 10:00, Support wrote:\nI provide permission", NONE),
                reply("> I provide permission\nActually, I do not give permission.", REFUSE),
                reply("-----Original Message-----\nFrom: Support\nI provide permission", NONE),

                // the engineer's own question posted to the ticket is not an answer
                reply("Could you please provide permission for Support to re-run one or more pipelines in project "
                        + "`acme/backend` to investigate the issue you've described? Replying in this ticket stating "
                        + "you provide permission will be sufficient.", NONE));
    }

    @ParameterizedTest(name = "[{index}] {1}: {0}")
    @MethodSource("replies")
    void readsEachReplyAsItsAuthorMeantIt(String body, Verdict expected) {
        assertThat(ReplyMatcher.read(body).verdict()).as(body).isEqualTo(expected);
    }

    private static Arguments reply(String body, Verdict verdict) {
        return Arguments.of(body, verdict);
    }
}
