package io.behalf.consent.reply;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a ticket comment as an answer to a permission question. It never guesses consent: only an explicit grant
 * ("I provide permission", "you have my permission", "I confirm", "please go ahead") is a {@link Verdict#GRANT};
 * an explicit refusal is a {@link Verdict#REFUSE}; a reply with both, a condition, a question or a bare "yes" is
 * {@link Verdict#UNCLEAR}; a comment that does not touch on permission at all is {@link Verdict#NONE}.
 * Quoted earlier mail ("> ..." lines, "On ... wrote:" and everything after) is not the author's answer.
 */
public final class ReplyMatcher {

    public enum Verdict { GRANT, REFUSE, UNCLEAR, NONE }

    public record Reading(Verdict verdict, String why) {
        static Reading of(Verdict verdict, String why) {
            return new Reading(verdict, why);
        }
    }

    /** Where quoted mail starts: everything from here on was written by someone else, earlier. */
    private static final Pattern QUOTE_HEADER = Pattern.compile(
            "(?im)^\\s*(on\\s[^\\n]{0,300}?(\\n[^\\n]{0,200}?)?wrote:|-{2,}\\s*original message\\s*-{2,}"
                    + "|from:\\s.*\\n\\s*sent:|##- please type your reply above this line -##)");
    private static final Pattern QUOTED_LINE = Pattern.compile("(?m)^\\s*>.*$");
    /** Our own question, when the engineer's comment (or a quote of it) is read. */
    private static final Pattern OUR_QUESTION = Pattern.compile(
            "could you please (provide permission for|confirm that you would like us to)[^?]*\\?"
                    + "|replying in this ticket stating you provide permission will be sufficient\\.?");

    private static final Pattern NEGATOR = Pattern.compile("\\b(?:not|never|no|cannot|neither|nor|without)\\b");

    /** Clause starts after which "go ahead" / "proceed" is an instruction, not "I'll go ahead and ...". */
    private static final String IMPERATIVE = "(?:^|[,:]\\s*|\\b(?:yes|yeah|yep|sure|ok|okay|please|absolutely|"
            + "of\\s+course|certainly|ja|oui|si|sí)\\s*,?\\s*(?:please\\s+)?)";
    private static final String ACT = "(?:go\\s+ahead|proceed|do\\s+(?:it|that|so|this)|re-?run|look|view|download"
            + "|delete|change|correct|fix|release|impersonate|access|clone|check)";

    private static final List<Pattern> GRANTS = patterns(
            "\\bi\\s+(?:hereby\\s+|do\\s+|(?:would|'d)\\s+like\\s+to\\s+|am\\s+happy\\s+to\\s+)?"
                    + "(?:provide|give|grant)\\s+(?:you\\s+|support\\s+|gitlab\\s+support\\s+|the\\s+support\\s+team\\s+"
                    + "|your\\s+team\\s+|our\\s+)?(?:my\\s+)?(?:full\\s+|explicit\\s+)?(?:permission|consent)",
            "\\byou\\s+(?:have|got)\\s+(?:my|our)\\s+(?:full\\s+|explicit\\s+)?(?:permission|consent|approval|blessing|ok)",
            "\\byou\\s+have\\s+permission\\b",
            "\\b(?:permission|consent)\\s+(?:is\\s+|has\\s+been\\s+)?(?:hereby\\s+)?(?:granted|given)",
            "\\bi\\s+(?:hereby\\s+|can\\s+)?confirm\\b",
            "^confirmed$",
            "\\bi\\s+(?:hereby\\s+)?(?:consent|authori[sz]e|approve)\\b",
            "\\bi\\s+agree(?:\\s+to\\s+(?:this|that|it|the\\s+request))?$",
            IMPERATIVE + "(?:go\\s+ahead|proceed|go\\s+for\\s+it)\\b",
            "\\byou\\s+(?:may|can|are\\s+allowed\\s+to|are\\s+welcome\\s+to)\\s+(?:go\\s+ahead|proceed|do\\s+(?:it|that|so|this))\\b",
            "^(?:yes|yeah|yep|sure|absolutely|of\\s+course|certainly)\\b[, ]+(?:please\\s+)?you\\s+(?:may|can)\\s+" + ACT,
            "\\bfeel\\s+free\\s+to\\s+" + ACT,
            "\\bi(?:'m|\\s+am)\\s+(?:fine|ok|okay|happy)\\s+(?:with\\s+(?:that|this|it|you)|for\\s+you\\s+to)",
            "\\b(?:that's|that\\s+is|it's|it\\s+is)\\s+(?:fine|ok|okay)\\s+(?:with|by|for)\\s+me\\b",
            "\\bi\\s+do\\s+not\\s+mind\\b");

    private static final List<Pattern> REFUSALS = patterns(
            "\\bi\\s+(?:do\\s+not|will\\s+not|cannot|am\\s+not\\s+going\\s+to|would\\s+not)\\s+"
                    + "(?:provide|give|grant|consent|authori[sz]e|approve|agree|allow|want|confirm|like)",
            "\\bi\\s+(?:refuse|decline|deny|withdraw|revoke|object)\\b",
            "\\bi\\s+(?:never|did\\s+not|have\\s+not|had\\s+not)\\s+(?:gave|give|given|provided|granted|consented"
                    + "|agreed|authori[sz]ed|approved)\\b",
            "\\byou\\s+do\\s+not\\s+have\\s+(?:my|our)\\s+(?:permission|consent)",
            "\\b(?:permission|consent)\\s+(?:is\\s+)?(?:not\\s+(?:granted|given)|denied|refused|withdrawn|revoked)",
            "\\bno\\s+(?:permission|consent)\\b",
            "\\b(?:please\\s+)?do\\s+not\\s+(?:do|proceed|go\\s+ahead|touch|look|view|re-?run|download"
                    + "|delete|change|release|impersonate|access|clone|make)",
            "\\byou\\s+(?:may\\s+not|cannot|must\\s+not|are\\s+not\\s+allowed\\s+to)\\b",
            "\\bnot\\s+allowed\\b",
            "\\b(?:absolutely|definitely|certainly)\\s+not\\b",
            "\\b(?:i'd|i\\s+would)\\s+rather\\s+(?:you\\s+)?(?:not|did\\s+not)\\b",
            "\\bnot\\s+(?:comfortable|ok|okay|happy)\\s+with\\b",
            "^(?:no|nope|nah|non|nein)\\b(?!\\s+(?:problem|worries|issue|idea|rush|hurry))");

    /** Words that show the comment is about the request, even when it neither grants nor refuses. */
    private static final Pattern MENTION = Pattern.compile("\\b(?:permission|consent|allow|authori[sz]\\w*|approve|agree"
            + "|confirm\\w*|yes|yeah|yep|sure|ok|okay|no(?!\\s+(?:problem|worries|issue|idea|rush|hurry))|fine|access|variables|pipelines?|download"
            + "|delete|impersonat\\w*|email|address|private|go\\s+for\\s+it|not\\s+yet|hold\\s+(?:on|off)|wait"
            + "|manager)\\b");

    private static final Pattern CONDITION = Pattern.compile(
            "\\b(?:only\\s+if|as\\s+long\\s+as|provided\\s+that|on\\s+condition|but\\s+only|except|unless"
                    + "|only\\s+(?:for|the|in|on))\\b");

    // compiled once: String.replaceAll, split and matches compile their pattern on every call. Reading a comment
    // was a tenth of the consuming thread's CPU at 500 comments/s, a third of that in replaceAll (bench/README.md)
    private static final Pattern EMPHASIS = Pattern.compile("[*_~]");
    private static final Pattern BLANKS = Pattern.compile("[ \\t\\u00a0]+");
    private static final Pattern CANT = Pattern.compile("\\bcan'?t\\b|\\bcan not\\b");
    private static final Pattern WONT = Pattern.compile("\\bwon'?t\\b");
    private static final Pattern DONT = Pattern.compile("\\bdont\\b");
    private static final Pattern NT = Pattern.compile("\\b(\\w+)n't\\b");
    private static final Pattern SENTENCE = Pattern.compile("[^.!?\\n;]+[.!?]*");
    private static final Pattern SENTENCE_END = Pattern.compile("[?!.]+$");
    private static final Pattern GO_AHEAD = Pattern.compile("\\b(?:go\\s+ahead|proceed)\\b");
    private static final Pattern WORD_GAP = Pattern.compile("\\s+");

    private ReplyMatcher() {
    }

    public static Reading read(String body) {
        String text = normalise(ownWords(body == null ? "" : body));
        if (text.isBlank()) {
            return Reading.of(Verdict.NONE, "nothing but quoted text");
        }
        boolean grant = false;
        boolean refuse = false;
        boolean question = false;
        for (String sentence : sentences(text)) {
            boolean asks = sentence.endsWith("?");
            String s = SENTENCE_END.matcher(sentence).replaceAll("").strip();
            if (s.isEmpty()) {
                continue;
            }
            boolean sentenceRefuses = REFUSALS.stream().anyMatch(p -> p.matcher(s).find());
            boolean sentenceGrants = false;
            for (Pattern p : GRANTS) {
                Matcher m = p.matcher(s);
                while (m.find()) {
                    if (negated(s, m.start())) {
                        sentenceRefuses = true;
                    } else {
                        sentenceGrants = true;
                    }
                }
            }
            if (asks && (sentenceGrants || sentenceRefuses || MENTION.matcher(s).find()
                    || GO_AHEAD.matcher(s).find())) {
                // "can you go ahead tomorrow?" or "do I confirm here?" is a question, not an answer
                question = true;
                continue;
            }
            grant |= sentenceGrants;
            refuse |= sentenceRefuses;
        }
        if (grant && refuse) {
            return Reading.of(Verdict.UNCLEAR, "the reply both grants and refuses");
        }
        if (grant && CONDITION.matcher(text).find()) {
            return Reading.of(Verdict.UNCLEAR, "the permission is given with a condition or a limit");
        }
        if (grant) {
            return Reading.of(Verdict.GRANT, "explicit permission");
        }
        if (refuse) {
            return Reading.of(Verdict.REFUSE, "explicit refusal");
        }
        if (question) {
            return Reading.of(Verdict.UNCLEAR, "the reply asks a question about the request");
        }
        if (MENTION.matcher(text).find()) {
            return Reading.of(Verdict.UNCLEAR, "the reply mentions the request but does not state permission");
        }
        return Reading.of(Verdict.NONE, "the reply does not answer a permission question");
    }

    /** The part of the comment its author wrote now: quoted mail and our own question removed. */
    static String ownWords(String body) {
        String text = body.replace("\r\n", "\n");
        Matcher header = QUOTE_HEADER.matcher(text);
        if (header.find()) {
            text = text.substring(0, header.start());
        }
        return QUOTED_LINE.matcher(text).replaceAll("");
    }

    private static String normalise(String text) {
        String t = text.toLowerCase(Locale.ROOT)
                .replace('\u2019', '\'').replace('\u2018', '\'').replace('`', '\'');
        t = BLANKS.matcher(EMPHASIS.matcher(t).replaceAll("")).replaceAll(" ");
        // one spelling per negation, so the patterns need not list every contraction
        t = CANT.matcher(t).replaceAll("cannot");
        t = WONT.matcher(t).replaceAll("will not");
        t = DONT.matcher(t).replaceAll("do not");
        t = NT.matcher(t).replaceAll("$1 not");
        return OUR_QUESTION.matcher(t).replaceAll(" ").strip();
    }

    private static List<String> sentences(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = SENTENCE.matcher(text);
        while (m.find()) {
            String s = m.group().strip();
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    /** A grant phrase preceded, within its clause, by "not", "never", "no", ...: it reads as a refusal. */
    private static boolean negated(String sentence, int start) {
        String before = sentence.substring(0, start);
        int clause = Math.max(before.lastIndexOf(','), Math.max(before.lastIndexOf(" but "), before.lastIndexOf(" and ")));
        String[] words = WORD_GAP.split((clause >= 0 ? before.substring(clause + 1) : before).strip());
        String near = String.join(" ", java.util.Arrays.copyOfRange(words, Math.max(0, words.length - 4), words.length));
        return NEGATOR.matcher(near).find();
    }

    private static List<Pattern> patterns(String... regexes) {
        return java.util.Arrays.stream(regexes).map(Pattern::compile).toList();
    }
}
