package io.jitmask.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The embedded broker's certificate: valid for the host clients connect to, and never shows its key. */
class SelfSignedCertificateTest {
    static X509Certificate parse(String pem) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void namesTheHostAndLoopbackAndIsSelfSigned() throws Exception {
        SelfSignedCertificate certificate = SelfSignedCertificate.forHost("broker.example");
        X509Certificate cert = parse(certificate.certificatePem());
        cert.verify(cert.getPublicKey());
        cert.checkValidity();
        assertThat(cert.getBasicConstraints()).isEqualTo(-1);
        assertThat(cert.getSubjectAlternativeNames()).containsExactlyInAnyOrder(
                List.of(2, "localhost"), List.of(2, "broker.example"), List.of(7, "127.0.0.1"), List.of(7, "0:0:0:0:0:0:0:1"));
        assertThat(parse(SelfSignedCertificate.forHost("10.1.2.3").certificatePem()).getSubjectAlternativeNames())
                .contains(List.of(7, "10.1.2.3"));
        assertThat(certificate.privateKeyPem()).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(certificate.toString()).doesNotContain(certificate.privateKeyPem().substring(30, 60));
    }
}
