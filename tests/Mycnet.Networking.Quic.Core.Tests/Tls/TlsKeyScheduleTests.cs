using System.Security.Cryptography;
using Mycnet.Networking.Quic.Core.Crypto;
using Mycnet.Networking.Quic.Core.Tls;

namespace Mycnet.Networking.Quic.Core.Tests.Tls;

/// <summary>The key schedule against the RFC 8448 §3 "Simple 1-RTT Handshake" trace (TLS_AES_128_GCM_SHA256).</summary>
public sealed class TlsKeyScheduleTests
{
    private static readonly byte[] SharedSecret = Convert.FromHexString("8bd4054fb55b9d63fdfbacf9f04b9f0d35e6d63f537563efd46272900f89492d");
    private static readonly byte[] HelloHash = Convert.FromHexString("860c06edc07858ee8e78f0e7428c58edd6b43f2ca3e6e95f02ed063cf0e1cad8");
    private static readonly byte[] ServerFinishedHash = Convert.FromHexString("9608102a0f1ccc6db6250b7b7e417b1a000eaada3daae4777a7686c9ff83df13");

    [Fact]
    public void KeySchedule_DerivesTheRfc8448HandshakeTrafficSecrets()
    {
        using var schedule = new TlsKeySchedule(CipherSuite.Aes128GcmSha256);
        schedule.MixKeyExchange(SharedSecret);

        TlsTrafficSecrets secrets = schedule.DeriveHandshakeTrafficSecrets(HelloHash);

        Assert.Equal("b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21", Convert.ToHexStringLower(secrets.Client));
        Assert.Equal("b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38", Convert.ToHexStringLower(secrets.Server));
    }

    [Fact]
    public void KeySchedule_DerivesTheRfc8448ApplicationTrafficSecrets()
    {
        using var schedule = new TlsKeySchedule(CipherSuite.Aes128GcmSha256);
        schedule.MixKeyExchange(SharedSecret);
        schedule.AdvanceToMasterSecret();

        TlsTrafficSecrets secrets = schedule.DeriveApplicationTrafficSecrets(ServerFinishedHash);

        Assert.Equal("9e40646ce79a7f9dc05af8889bce6552875afa0b06df0087f792ebb7c17504a5", Convert.ToHexStringLower(secrets.Client));
        Assert.Equal("a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643", Convert.ToHexStringLower(secrets.Server));
    }

    [Fact]
    public void Finished_MatchesTheRfc8448ServerFinishedKeyAndClientFinishedMessage()
    {
        byte[] serverHandshake = Convert.FromHexString("b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38");
        byte[] clientHandshake = Convert.FromHexString("b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21");

        Assert.Equal("008d3b66f816ea559f96b537e885c31fc068bf492c652f01f288a1d8cdc19fc8",
            Convert.ToHexStringLower(TlsKeySchedule.DeriveFinishedKey(CipherSuite.Aes128GcmSha256, serverHandshake)));
        byte[] verifyData = TlsKeySchedule.ComputeVerifyData(CipherSuite.Aes128GcmSha256, clientHandshake, ServerFinishedHash);
        Assert.Equal("14000020a8ec436d677634ae525ac1fcebe11a039ec17694fac6e98527b642f2edd5ce61",
            Convert.ToHexStringLower(new FinishedMessage { VerifyData = verifyData }.Encode()));
        Assert.True(TlsKeySchedule.VerifyFinished(CipherSuite.Aes128GcmSha256, clientHandshake, ServerFinishedHash, verifyData));
        verifyData[5] ^= 1;
        Assert.False(TlsKeySchedule.VerifyFinished(CipherSuite.Aes128GcmSha256, clientHandshake, ServerFinishedHash, verifyData));
        Assert.False(TlsKeySchedule.VerifyFinished(CipherSuite.Aes128GcmSha256, clientHandshake, ServerFinishedHash, verifyData.AsSpan(1)));
    }

    [Fact]
    public void KeySchedule_Sha384SuiteProduces48ByteSecrets()
    {
        using var schedule = new TlsKeySchedule(CipherSuite.Aes256GcmSha384);
        schedule.MixKeyExchange(SharedSecret);
        TlsTrafficSecrets handshake = schedule.DeriveHandshakeTrafficSecrets(SHA384.HashData("hello"u8));
        schedule.AdvanceToMasterSecret();
        TlsTrafficSecrets application = schedule.DeriveApplicationTrafficSecrets(SHA384.HashData("finished"u8));

        Assert.Equal(48, handshake.Client.Length);
        Assert.Equal(48, application.Server.Length);
        Assert.Equal(48, TlsKeySchedule.ComputeVerifyData(CipherSuite.Aes256GcmSha384, handshake.Client, SHA384.HashData("x"u8)).Length);
    }

    [Fact]
    public void KeySchedule_APreSharedKeyChangesEverySecret()
    {
        using var plain = new TlsKeySchedule(CipherSuite.Aes128GcmSha256);
        using var withPsk = new TlsKeySchedule(CipherSuite.Aes128GcmSha256, new byte[32] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32 });
        plain.MixKeyExchange(SharedSecret);
        withPsk.MixKeyExchange(SharedSecret);

        Assert.NotEqual(plain.DeriveHandshakeTrafficSecrets(HelloHash).Client, withPsk.DeriveHandshakeTrafficSecrets(HelloHash).Client);
    }

    [Fact]
    public void KeySchedule_StepsOutOfOrder_Throw()
    {
        using var schedule = new TlsKeySchedule(CipherSuite.Aes128GcmSha256);
        Assert.Throws<InvalidOperationException>(() => schedule.DeriveHandshakeTrafficSecrets(HelloHash));
        Assert.Throws<InvalidOperationException>(schedule.AdvanceToMasterSecret);
        schedule.MixKeyExchange(SharedSecret);
        Assert.Throws<InvalidOperationException>(() => schedule.DeriveApplicationTrafficSecrets(HelloHash));
    }

    [Fact]
    public void Transcript_ReplacesTheFirstClientHelloWithMessageHash()
    {
        byte[] clientHello1 = [1, 0, 0, 3, 0xAA, 0xBB, 0xCC];
        byte[] retry = [2, 0, 0, 1, 0x55];
        using var transcript = new TlsTranscript();
        transcript.Append(clientHello1);
        transcript.SelectHash(HashAlgorithmName.SHA256);
        transcript.ReplaceWithMessageHash();
        transcript.Append(retry);

        byte[] inner = SHA256.HashData(clientHello1);
        byte[] expected = SHA256.HashData([254, 0, 0, 32, .. inner, .. retry]);
        Assert.Equal(expected, transcript.GetCurrentHash());
    }

    [Fact]
    public void Transcript_HashesMessagesKeptBeforeTheHashWasSelected()
    {
        using var transcript = new TlsTranscript();
        transcript.Append([1, 2]);
        transcript.Append([3]);
        transcript.SelectHash(HashAlgorithmName.SHA384);
        transcript.Append([4]);

        Assert.Equal(SHA384.HashData([1, 2, 3, 4]), transcript.GetCurrentHash());
        Assert.Equal(48, transcript.HashLength);
    }

    [Fact]
    public void KeyShare_BothSidesDeriveTheSameSecret()
    {
        foreach (TlsNamedGroup group in new[] { TlsNamedGroup.Secp256r1, TlsNamedGroup.Secp384r1 })
        {
            using TlsKeyShare a = TlsKeyShare.Generate(group);
            using TlsKeyShare b = TlsKeyShare.Generate(group);

            Assert.Equal(TlsKeyShare.PublicKeyLength(group), a.PublicKey.Length);
            Assert.Equal(0x04, a.PublicKey[0]);
            Assert.Equal(a.DeriveSharedSecret(b.PublicKey), b.DeriveSharedSecret(a.PublicKey));
            Assert.Equal(TlsKeyShare.CoordinateLength(group), a.DeriveSharedSecret(b.PublicKey).Length);
        }
    }

    [Fact]
    public void KeyShare_WrongLengthOrNotOnCurve_IsIllegalParameter()
    {
        using TlsKeyShare p256 = TlsKeyShare.Generate(TlsNamedGroup.Secp256r1);
        using TlsKeyShare p384 = TlsKeyShare.Generate(TlsNamedGroup.Secp384r1);

        Assert.Equal(TlsAlert.IllegalParameter, Assert.Throws<TlsAlertException>(() => p256.DeriveSharedSecret(p384.PublicKey)).Alert);
        byte[] offCurve = (byte[])p256.PublicKey.Clone();
        offCurve[^1] ^= 1;
        Assert.Equal(TlsAlert.IllegalParameter, Assert.Throws<TlsAlertException>(() => p256.DeriveSharedSecret(offCurve)).Alert);
        Assert.Equal(TlsAlert.IllegalParameter, Assert.Throws<TlsAlertException>(() => p256.DeriveSharedSecret(new byte[65])).Alert);
    }
}
