package io.behalf.impersonation.slack;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.SlackApiTextResponse;
import com.slack.api.model.Message;
import com.slack.api.model.block.LayoutBlock;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The Slack Web API methods this service uses, through the Slack Java SDK, pointed at
 * {@code behalf.slack.api-url}. Every failure becomes a {@link SlackFailure} saying whether a retry can help;
 * the retrying itself is {@link SlackTaskWorker}'s, so that it survives a restart.
 */
@ApplicationScoped
public class SlackClient {

    /** Errors Slack documents as transient; any other {@code ok=false} will fail again the same way. */
    private static final Set<String> TRANSIENT_ERRORS = Set.of("ratelimited", "internal_error", "fatal_error",
            "service_unavailable", "request_timeout");

    static final String METADATA_TYPE = "behalf_impersonation_check";
    static final String METADATA_KEY = "impersonation_id";

    private final Slack slack;
    private final SlackSettings settings;

    public SlackClient(SlackSettings settings) {
        this.settings = settings;
        SlackConfig config = new SlackConfig();
        String prefix = settings.apiUrl();
        config.setMethodsEndpointUrlPrefix(prefix.endsWith("/") ? prefix : prefix + "/");
        // a worker holds its lease while it waits; bound each call well inside it
        config.setHttpClientCallTimeoutMillis(10_000);
        config.setStatsEnabled(false);
        this.slack = Slack.getInstance(config);
    }

    /** Slack user id of the member with this email ({@code users.lookupByEmail}). */
    public String lookupUserByEmail(String email) {
        return call("users.lookupByEmail", m -> m.usersLookupByEmail(r -> r.email(email))).getUser().getId();
    }

    /** The DM channel with one user ({@code conversations.open}). */
    public String openDirectMessage(String slackUserId) {
        return call("conversations.open", m -> m.conversationsOpen(r -> r.users(List.of(slackUserId))))
                .getChannel().getId();
    }

    /** Posts a message and returns its ts ({@code chat.postMessage}). */
    public String postMessage(String channel, String text, List<LayoutBlock> blocks) {
        return call("chat.postMessage", m -> m.chatPostMessage(r -> r.channel(channel).text(text).blocks(blocks)))
                .getTs();
    }

    /**
     * Posts the DM tagged with the impersonation id in its message metadata, so that a retry can find it
     * ({@link #findTagged}) when Slack posted it but the answer never arrived.
     */
    public String postTagged(String channel, String impersonationId, String text, List<LayoutBlock> blocks) {
        Message.Metadata tag = new Message.Metadata(METADATA_TYPE, Map.of(METADATA_KEY, impersonationId));
        return call("chat.postMessage", m -> m.chatPostMessage(r -> r.channel(channel).text(text).blocks(blocks)
                .metadata(tag))).getTs();
    }

    /** The ts of a message in {@code channel} since {@code since} tagged with this impersonation id ({@code conversations.history}). */
    public Optional<String> findTagged(String channel, String impersonationId, Instant since) {
        String oldest = since.minusSeconds(60).getEpochSecond() + ".000000";
        List<Message> messages = call("conversations.history", m -> m.conversationsHistory(r -> r.channel(channel)
                .oldest(oldest).includeAllMetadata(true).limit(100))).getMessages();
        return (messages == null ? List.<Message>of() : messages).stream()
                .filter(msg -> msg.getMetadata() != null && METADATA_TYPE.equals(msg.getMetadata().getEventType())
                        && msg.getMetadata().getEventPayload() != null
                        && impersonationId.equals(String.valueOf(msg.getMetadata().getEventPayload().get(METADATA_KEY))))
                .map(Message::getTs).findFirst();
    }

    /** Replaces a message's text and blocks ({@code chat.update}). */
    public void updateMessage(String channel, String ts, String text, List<LayoutBlock> blocks) {
        call("chat.update", m -> m.chatUpdate(r -> r.channel(channel).ts(ts).text(text).blocks(blocks)));
    }

    @FunctionalInterface
    private interface Call<T> {
        T on(MethodsClient methods) throws IOException, SlackApiException;
    }

    private <T extends SlackApiTextResponse> T call(String method, Call<T> call) {
        String token = settings.botToken().filter(t -> !t.isBlank())
                .orElseThrow(() -> SlackFailure.permanent("behalf.slack.bot-token is not set"));
        T response;
        try {
            response = call.on(slack.methods(token));
        } catch (SlackApiException e) {
            int status = e.getResponse().code();
            Duration retryAfter = retryAfter(e.getResponse().header("Retry-After"));
            return fail(method + " answered HTTP " + status, status == 429 || status >= 500, retryAfter);
        } catch (IOException e) {
            return fail(method + " unreachable: " + e.getClass().getSimpleName() + " " + e.getMessage(), true, null);
        }
        if (!response.isOk()) {
            return fail(method + " failed: " + response.getError(), TRANSIENT_ERRORS.contains(response.getError()), null);
        }
        return response;
    }

    private static <T> T fail(String message, boolean retryable, Duration retryAfter) {
        throw new SlackFailure(message, retryable, retryAfter);
    }

    static Duration retryAfter(String header) {
        if (header == null) {
            return null;
        }
        try {
            return Duration.ofSeconds(Long.parseLong(header.trim()));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @PreDestroy
    void close() throws Exception {
        slack.close();
    }
}
