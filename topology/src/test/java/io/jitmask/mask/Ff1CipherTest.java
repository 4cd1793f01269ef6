package io.jitmask.mask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** NIST SP 800-38G FF1 sample vectors (FF1samples.pdf), and the minimum-domain rule of SP 800-38G Rev. 1. */
class Ff1CipherTest {
    static final byte[] AES128 = HexFormat.of().parseHex("2B7E151628AED2A6ABF7158809CF4F3C");
    static final byte[] AES256 = HexFormat.of().parseHex("2B7E151628AED2A6ABF7158809CF4F3CEF4359D8D580AA4F7F036D6F04FC6A94");
    static final String DIGITS = "0123456789";
    static final String BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz";

    @Test
    void sample1Aes128NoTweak() {
        Ff1Cipher cipher = new Ff1Cipher(AES128, DIGITS, new byte[0]);
        assertThat(cipher.encrypt("0123456789")).isEqualTo("2433477484");
        assertThat(cipher.decrypt("2433477484")).isEqualTo("0123456789");
    }

    @Test
    void sample2Aes128WithTweak() {
        Ff1Cipher cipher = new Ff1Cipher(AES128, DIGITS, HexFormat.of().parseHex("39383736353433323130"));
        assertThat(cipher.encrypt("0123456789")).isEqualTo("6124200773");
    }

    @Test
    void sample3Aes128Radix36() {
        Ff1Cipher cipher = new Ff1Cipher(AES128, BASE36, HexFormat.of().parseHex("3737373770717273373737"));
        assertThat(cipher.encrypt("0123456789abcdefghi")).isEqualTo("a9tv40mll9kdu509eum");
    }

    @Test
    void sample7Aes256NoTweak() {
        Ff1Cipher cipher = new Ff1Cipher(AES256, DIGITS, new byte[0]);
        assertThat(cipher.encrypt("0123456789")).isEqualTo("6657667009");
    }

    @Test
    void refusesDomainsBelowOneMillion() {
        Ff1Cipher cipher = new Ff1Cipher(AES128, DIGITS, new byte[0]);
        assertThat(Ff1Cipher.domainLargeEnough(10, 6)).isTrue();
        assertThat(Ff1Cipher.domainLargeEnough(10, 5)).isFalse();
        assertThat(Ff1Cipher.domainLargeEnough(36, 4)).isTrue();
        assertThat(Ff1Cipher.domainLargeEnough(36, 3)).isFalse();
        assertThatThrownBy(() -> cipher.encrypt("12345")).isInstanceOf(MaskingException.class)
                .hasMessage("FF1 input of 5 symbols (radix 10) is below the 1,000,000-value minimum domain of NIST SP 800-38G");
        assertThat(cipher.encrypt("123456")).hasSize(6);
    }
}
