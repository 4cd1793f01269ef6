package io.jitmask.jmh;

import io.jitmask.mask.Ff1Cipher;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** FF1 (AES-256) encryptions per second of a 16-digit card number: the NIST-sized workload of the ff1 technique. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class Ff1Benchmark {
    private final Ff1Cipher cipher = new Ff1Cipher(new byte[32], "0123456789", new byte[0]);

    @Benchmark
    public String encryptCardNumber() {
        return cipher.encrypt("4111111111111111");
    }
}
