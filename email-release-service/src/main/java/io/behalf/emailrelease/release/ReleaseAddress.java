package io.behalf.emailrelease.release;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * The address an account's email becomes when it is released: {@code local@domain} becomes
 * {@code local+release@domain}, the domain kept exactly as written (Unicode or punycode alike).
 * <p>
 * Choices, documented in the README: a local part that already carries a {@code +tag} keeps it
 * ({@code a+x@d} becomes {@code a+x+release@d}) so that the released address still names the original one; a
 * quoted local part gets the tag inside its quotes; when {@code +release} is taken on GitLab the caller asks
 * again with {@code attempt} 2, 3 … and gets {@code +release2}, {@code +release3} …; lengths are counted in
 * UTF-8 octets, as SMTP counts them (RFC 5321 §4.5.3.1, RFC 6531), which for ASCII is the number of characters.
 * <p>
 * A pure function: no I/O, no clock, the same answer for the same input.
 */
public final class ReleaseAddress {

    public static final int MAX_ADDRESS = 254;
    public static final int MAX_LOCAL_PART = 64;

    /** A tag this service added before: {@code +release}, {@code +release2} … in any letter case. */
    private static final Pattern RELEASED = Pattern.compile("(?i).*\\+release\\d*");
    /** RFC 5322 specials and whitespace may not appear in an unquoted local part; other Unicode may (RFC 6531). */
    private static final Pattern UNQUOTED_LOCAL = Pattern.compile("[^\\s\\p{Cntrl}()<>\\[\\]:;@\\\\,\"]+");
    private static final Pattern DOMAIN_LABEL = Pattern.compile("[\\p{L}\\p{M}\\p{N}](?:[\\p{L}\\p{M}\\p{N}-]*[\\p{L}\\p{M}\\p{N}])?");

    private ReleaseAddress() {
    }

    /** What releasing an address gives: the new address, or why there is none. */
    public sealed interface Result permits Released, Refused {
    }

    public record Released(String address) implements Result {
    }

    public record Refused(RejectionCode code, String detail) implements Result {
    }

    /** @param attempt 1 for {@code +release}; n &gt; 1 for {@code +release<n>} when the smaller ones are taken */
    public static Result of(String email, int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt starts at 1");
        }
        Parts parts = parse(email);
        if (parts == null) {
            return new Refused(RejectionCode.INVALID_ADDRESS, "not an email address: " + email);
        }
        String tag = "+release" + (attempt == 1 ? "" : Integer.toString(attempt));
        if (RELEASED.matcher(parts.bareLocal()).matches()) {
            return new Refused(RejectionCode.ALREADY_RELEASED, email + " was already released");
        }
        String local = parts.quoted() ? "\"" + parts.bareLocal() + tag + "\"" : parts.bareLocal() + tag;
        String address = local + "@" + parts.domain();
        if (octets(local) > MAX_LOCAL_PART) {
            return new Refused(RejectionCode.ADDRESS_TOO_LONG, "the local part of " + address + " is "
                    + octets(local) + " octets, more than " + MAX_LOCAL_PART);
        }
        if (octets(address) > MAX_ADDRESS) {
            return new Refused(RejectionCode.ADDRESS_TOO_LONG, "the released address is " + octets(address)
                    + " octets, more than " + MAX_ADDRESS);
        }
        return new Released(address);
    }

    /** True for an address this service can read: the request validation and the rewrite agree on what that is. */
    public static boolean wellFormed(String email) {
        return parse(email) != null;
    }

    private record Parts(boolean quoted, String bareLocal, String domain) {
    }

    private static Parts parse(String email) {
        if (email == null || email.isEmpty()) {
            return null;
        }
        int at;
        boolean quoted = email.charAt(0) == '"';
        String bareLocal;
        if (quoted) {
            int close = closingQuote(email);
            if (close < 0 || close + 1 >= email.length() || email.charAt(close + 1) != '@' || close == 1) {
                return null;
            }
            at = close + 1;
            bareLocal = email.substring(1, close);
        } else {
            at = email.indexOf('@');
            if (at <= 0 || email.indexOf('@', at + 1) >= 0) {
                return null;
            }
            bareLocal = email.substring(0, at);
            if (!UNQUOTED_LOCAL.matcher(bareLocal).matches() || bareLocal.startsWith(".") || bareLocal.endsWith(".")
                    || bareLocal.contains("..")) {
                return null;
            }
        }
        String domain = email.substring(at + 1);
        return validDomain(domain) ? new Parts(quoted, bareLocal, domain) : null;
    }

    /** Index of the quote that closes the quoted local part, honouring backslash escapes; -1 if none. */
    private static int closingQuote(String email) {
        for (int i = 1; i < email.length(); i++) {
            char c = email.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                return i;
            } else if (c == '\r' || c == '\n') {
                return -1;
            }
        }
        return -1;
    }

    private static boolean validDomain(String domain) {
        if (domain.isEmpty() || domain.endsWith(".")) {
            return false;
        }
        if (domain.startsWith("[") && domain.endsWith("]")) {
            return domain.length() > 2 && domain.substring(1, domain.length() - 1).matches("[^\\s\\[\\]\\\\]+");
        }
        for (String label : domain.split("\\.", -1)) {
            if (label.length() > 63 || !DOMAIN_LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    private static int octets(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
