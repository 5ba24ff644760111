package io.behalf.emailrelease.release;

import static org.assertj.core.api.Assertions.assertThat;

import io.behalf.emailrelease.release.ReleaseAddress.Refused;
import io.behalf.emailrelease.release.ReleaseAddress.Released;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The rewrite, one row per case: the address in, the attempt (1 = +release), and the address or code out. */
class ReleaseAddressTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                // the plain rule: local@domain -> local+release@domain, everything else as written
                row("johndoe@example.com", 1, "johndoe+release@example.com"),
                row("john.doe@example.com", 1, "john.doe+release@example.com"),
                row("JohnDoe@Example.COM", 1, "JohnDoe+release@Example.COM"),
                row("a@sub.example.co.uk", 1, "a+release@sub.example.co.uk"),
                row("o'brien_x-y@example.org", 1, "o'brien_x-y+release@example.org"),
                row("release@example.com", 1, "release+release@example.com"),
                row("a@[192.168.0.1]", 1, "a+release@[192.168.0.1]"),
                row("a@localhost", 1, "a+release@localhost"),
                // an existing +tag is kept and the release tag goes after it
                row("a+x@example.com", 1, "a+x+release@example.com"),
                row("a+x+y@example.com", 1, "a+x+y+release@example.com"),
                row("a+releases@example.com", 1, "a+releases+release@example.com"),
                row("a+release-notes@example.com", 1, "a+release-notes+release@example.com"),
                row("a+@example.com", 1, "a++release@example.com"),
                // the next free tag when +release is taken on GitLab
                row("johndoe@example.com", 2, "johndoe+release2@example.com"),
                row("johndoe@example.com", 3, "johndoe+release3@example.com"),
                row("a+x@example.com", 12, "a+x+release12@example.com"),
                // IDN: Unicode and punycode domains are kept exactly as written; Unicode local parts too
                row("a@bücher.de", 1, "a+release@bücher.de"),
                row("a@xn--bcher-kva.de", 1, "a+release@xn--bcher-kva.de"),
                row("jöhn@bücher.de", 1, "jöhn+release@bücher.de"),
                row("用户@例子.广告", 1, "用户+release@例子.广告"),
                row("δοκιμή@παράδειγμα.δοκιμή", 1, "δοκιμή+release@παράδειγμα.δοκιμή"),
                // quoted local parts: the tag goes inside the quotes
                row("\"john doe\"@example.com", 1, "\"john doe+release\"@example.com"),
                row("\"a@b\"@example.com", 1, "\"a@b+release\"@example.com"),
                row("\"a\\\"b\"@example.com", 1, "\"a\\\"b+release\"@example.com"),
                row("\"x+y\"@example.com", 2, "\"x+y+release2\"@example.com"),
                // already released: never twice, whatever the case or number
                row("johndoe+release@example.com", 1, "ALREADY_RELEASED"),
                row("johndoe+RELEASE@example.com", 1, "ALREADY_RELEASED"),
                row("johndoe+release2@example.com", 1, "ALREADY_RELEASED"),
                row("a+x+release@example.com", 1, "ALREADY_RELEASED"),
                row("\"john doe+release\"@example.com", 1, "ALREADY_RELEASED"),
                // lengths: local part at most 64 octets, address at most 254
                row("a".repeat(56) + "@example.com", 1, "a".repeat(56) + "+release@example.com"),
                row("a".repeat(57) + "@example.com", 1, "ADDRESS_TOO_LONG"),
                row("a".repeat(55) + "@example.com", 2, "a".repeat(55) + "+release2@example.com"),
                row("a".repeat(56) + "@example.com", 2, "ADDRESS_TOO_LONG"),
                row("ü".repeat(28) + "@example.com", 1, "ü".repeat(28) + "+release@example.com"),
                row("ü".repeat(29) + "@example.com", 1, "ADDRESS_TOO_LONG"),
                row("abcd@" + domainOf(241), 1, "abcd+release@" + domainOf(241)),
                row("abcd@" + domainOf(242), 1, "ADDRESS_TOO_LONG"),
                // not an address at all
                row("", 1, "INVALID_ADDRESS"),
                row(null, 1, "INVALID_ADDRESS"),
                row("johndoe", 1, "INVALID_ADDRESS"),
                row("@example.com", 1, "INVALID_ADDRESS"),
                row("johndoe@", 1, "INVALID_ADDRESS"),
                row("a@b@example.com", 1, "INVALID_ADDRESS"),
                row("john doe@example.com", 1, "INVALID_ADDRESS"),
                row(" johndoe@example.com", 1, "INVALID_ADDRESS"),
                row(".john@example.com", 1, "INVALID_ADDRESS"),
                row("jo..hn@example.com", 1, "INVALID_ADDRESS"),
                row("john@-example.com", 1, "INVALID_ADDRESS"),
                row("john@example..com", 1, "INVALID_ADDRESS"),
                row("john@example.com.", 1, "INVALID_ADDRESS"),
                row("\"unterminated@example.com", 1, "INVALID_ADDRESS"),
                row("\"\"@example.com", 1, "INVALID_ADDRESS"));
    }

    @ParameterizedTest(name = "{0} (attempt {1}) -> {2}")
    @MethodSource("cases")
    void rewritesOrRefuses(String email, int attempt, String expected) {
        ReleaseAddress.Result result = ReleaseAddress.of(email, attempt);
        if (expected.contains("@")) {
            assertThat(result).isEqualTo(new Released(expected));
            assertThat(ReleaseAddress.wellFormed(email)).isTrue();
        } else {
            assertThat(result).isInstanceOf(Refused.class);
            assertThat(((Refused) result).code()).isEqualTo(RejectionCode.valueOf(expected));
            assertThat(ReleaseAddress.wellFormed(email)).isEqualTo(!expected.equals("INVALID_ADDRESS"));
        }
    }

    private static Arguments row(String email, int attempt, String expected) {
        return Arguments.of(email, attempt, expected);
    }

    /** A domain of exactly {@code length} characters made of valid labels. */
    private static String domainOf(int length) {
        StringBuilder domain = new StringBuilder();
        while (domain.length() < length - 4) {
            int label = Math.min(60, length - 4 - domain.length() - 1);
            domain.append("d".repeat(Math.max(label, 1))).append('.');
        }
        domain.setLength(length - 4);
        if (domain.charAt(domain.length() - 1) == '.') {
            domain.setCharAt(domain.length() - 1, 'e');
        }
        return domain + ".com";
    }
}
