package io.jitmask.mask;

import java.math.BigInteger;
import org.bouncycastle.crypto.fpe.FPEFF1Engine;
import org.bouncycastle.crypto.params.FPEParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * NIST SP 800-38G FF1 over AES (Bouncy Castle), on strings of symbols from an alphabet. Refuses inputs whose
 * domain (radix^length) is below 1,000,000, as SP 800-38G Rev. 1 requires.
 */
public final class Ff1Cipher {
    public static final BigInteger MIN_DOMAIN = BigInteger.valueOf(1_000_000);

    private final String alphabet;
    private final int[] indexOf = new int[128];
    // An initialised engine holds the AES key schedule: build it once per thread and direction, not per value.
    private final ThreadLocal<FPEFF1Engine> encryptor;
    private final ThreadLocal<FPEFF1Engine> decryptor;

    public Ff1Cipher(byte[] key, String alphabet, byte[] tweak) {
        if (key.length != 16 && key.length != 24 && key.length != 32) {
            throw new IllegalArgumentException("FF1 needs an AES key of 16, 24 or 32 bytes");
        }
        if (alphabet.length() < 2 || alphabet.length() > 256) {
            throw new IllegalArgumentException("FF1 alphabet must have 2 to 256 symbols");
        }
        this.alphabet = alphabet;
        java.util.Arrays.fill(indexOf, -1);
        for (int i = 0; i < alphabet.length(); i++) {
            char c = alphabet.charAt(i);
            if (c >= 128 || indexOf[c] >= 0) {
                throw new IllegalArgumentException("FF1 alphabet must have distinct ASCII symbols");
            }
            indexOf[c] = i;
        }
        FPEParameters parameters = new FPEParameters(new KeyParameter(key.clone()), alphabet.length(), tweak.clone());
        this.encryptor = ThreadLocal.withInitial(() -> engine(true, parameters));
        this.decryptor = ThreadLocal.withInitial(() -> engine(false, parameters));
    }

    private static FPEFF1Engine engine(boolean encrypt, FPEParameters parameters) {
        FPEFF1Engine engine = new FPEFF1Engine();
        engine.init(encrypt, parameters);
        return engine;
    }

    public static boolean domainLargeEnough(int radix, int length) {
        return BigInteger.valueOf(radix).pow(length).compareTo(MIN_DOMAIN) >= 0;
    }

    public String encrypt(String symbols) {
        return process(true, symbols);
    }

    public String decrypt(String symbols) {
        return process(false, symbols);
    }

    private String process(boolean encrypt, String symbols) {
        int radix = alphabet.length();
        if (!domainLargeEnough(radix, symbols.length())) {
            throw new MaskingException("FF1 input of " + symbols.length() + " symbols (radix " + radix
                    + ") is below the 1,000,000-value minimum domain of NIST SP 800-38G");
        }
        byte[] in = new byte[symbols.length()];
        for (int i = 0; i < in.length; i++) {
            char c = symbols.charAt(i);
            int index = c < 128 ? indexOf[c] : -1;
            if (index < 0) {
                throw new MaskingException("FF1 input has a symbol outside its alphabet at position " + i);
            }
            in[i] = (byte) index;
        }
        FPEFF1Engine engine = (encrypt ? encryptor : decryptor).get();
        byte[] out = new byte[in.length];
        engine.processBlock(in, 0, in.length, out, 0);
        StringBuilder text = new StringBuilder(out.length);
        for (byte b : out) {
            text.append(alphabet.charAt(b & 0xff));
        }
        return text.toString();
    }
}
