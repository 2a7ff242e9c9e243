using Mycnet.Networking.Quic.Core.Tls;
using static Mycnet.Networking.Quic.Core.Tests.Tls.TlsTestSetup;

namespace Mycnet.Networking.Quic.Core.Tests.Tls;

/// <summary>The message trio: a known encoding parses, every truncation fails cleanly, write-then-parse round-trips.</summary>
public sealed class TlsMessageTests
{
    [Fact]
    public void ClientHello_KnownEncodingParses()
    {
        byte[] body = Convert.FromHexString(
            "0303" + new string('a', 64) + "00" + "0004" + "13011302" + "0100" +
            "0021" +
            "002b" + "0003" + "02" + "0304" +
            "000a" + "0004" + "0002" + "0017" +
            "0039" + "0002" + "0102" +
            "abcd" + "0000" +
            "002c" + "0004" + "0002" + "beef");
        ClientHelloMessage hello = ClientHelloMessage.Parse(body);

        Assert.All(hello.Random, b => Assert.Equal(0xAA, b));
        Assert.Equal([(ushort)0x1301, (ushort)0x1302], hello.CipherSuites);
        Assert.Equal([(ushort)0x0304], hello.SupportedVersions);
        Assert.Equal([(ushort)0x0017], hello.SupportedGroups);
        Assert.Equal([1, 2], hello.TransportParameters);
        Assert.Equal([0xBE, 0xEF], hello.Cookie);
        Assert.Equal((ushort)0xABCD, Assert.Single(hello.OtherExtensions).Type);
        Assert.Null(hello.KeyShares);
    }

    [Fact]
    public void ClientHello_RoundTripsAndEveryTruncationFailsCleanly()
    {
        ClientHelloMessage hello = ClientHello(
            keyShares: [new KeyShareEntry(0x0017, Enumerable.Repeat((byte)4, 65).ToArray())],
            cookie: [1, 2, 3],
            other: [new TlsExtension(0xFAFA, [9])]);
        byte[] encoded = hello.Encode();
        ClientHelloMessage parsed = ClientHelloMessage.Parse(encoded.AsSpan(4));

        Assert.Equal(encoded, parsed.Encode());
        Assert.Equal("server.test", parsed.ServerName);
        Assert.Equal(hello.KeyShares![0].KeyExchange, parsed.KeyShares![0].KeyExchange);
        Assert.Equal("h3"u8.ToArray(), Assert.Single(parsed.ApplicationProtocols!));
        // A ClientHello cut right after legacy_compression_methods is a (pre-TLS 1.3) ClientHello without extensions.
        AssertTruncationsFail(encoded, body => ClientHelloMessage.Parse(body), allowedPrefix: 2 + 32 + 1 + 2 + 6 + 2);
    }

    [Fact]
    public void ServerHello_KnownHelloRetryRequestEncodingParses()
    {
        byte[] body = Convert.FromHexString(
            "0303" + "cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c" + "00" + "1301" + "00" +
            "000c" + "002b00020304" + "003300020017");
        ServerHelloMessage retry = ServerHelloMessage.Parse(body);

        Assert.True(retry.IsHelloRetryRequest);
        Assert.Equal((ushort)0x0017, retry.SelectedGroup);
        Assert.Equal((ushort)0x0304, retry.SelectedVersion);
        Assert.Null(retry.KeyShare);
        Assert.Equal(body, retry.Encode().AsSpan(4).ToArray());
    }

    [Fact]
    public void ServerHello_RoundTripsAndEveryTruncationFailsCleanly()
    {
        var hello = new ServerHelloMessage
        {
            Random = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray(),
            CipherSuite = 0x1302,
            SelectedVersion = 0x0304,
            KeyShare = new KeyShareEntry(0x0018, Enumerable.Repeat((byte)7, 97).ToArray()),
        };
        byte[] encoded = hello.Encode();
        ServerHelloMessage parsed = ServerHelloMessage.Parse(encoded.AsSpan(4));

        Assert.Equal(encoded, parsed.Encode());
        Assert.False(parsed.IsHelloRetryRequest);
        AssertTruncationsFail(encoded, body => ServerHelloMessage.Parse(body), allowedPrefix: 2 + 32 + 1 + 2 + 1);
    }

    [Fact]
    public void EncryptedExtensions_KnownEncodingParses_RoundTrips_AndTruncationsFail()
    {
        byte[] body = Convert.FromHexString("0011" + "00000000" + "0010" + "0005" + "0003026833" + "0039" + "0000");
        EncryptedExtensionsMessage parsed = EncryptedExtensionsMessage.Parse(body);

        Assert.True(parsed.AcknowledgesServerName);
        Assert.Equal("h3"u8.ToArray(), parsed.ApplicationProtocol);
        Assert.Empty(parsed.TransportParameters!);
        Assert.Equal(body, parsed.Encode().AsSpan(4).ToArray());
        AssertTruncationsFail(parsed.Encode(), b => EncryptedExtensionsMessage.Parse(b));
    }

    [Fact]
    public void CertificateRequest_KnownEncodingParses_RoundTrips_AndTruncationsFail()
    {
        byte[] body = Convert.FromHexString("00" + "000a" + "000d" + "0006" + "0004" + "04030804");
        CertificateRequestMessage parsed = CertificateRequestMessage.Parse(body);

        Assert.Empty(parsed.Context);
        Assert.Equal([(ushort)0x0403, (ushort)0x0804], parsed.SignatureAlgorithms);
        Assert.Equal(body, parsed.Encode().AsSpan(4).ToArray());
        AssertTruncationsFail(parsed.Encode(), b => CertificateRequestMessage.Parse(b));
    }

    [Fact]
    public void CertificateRequest_WithoutSignatureAlgorithms_IsMissingExtension()
    {
        Assert.Equal(TlsAlert.MissingExtension, Assert.Throws<TlsAlertException>(() => CertificateRequestMessage.Parse([0, 0, 0])).Alert);
    }

    [Fact]
    public void Certificate_KnownEncodingParses_RoundTrips_AndTruncationsFail()
    {
        byte[] body = Convert.FromHexString("00" + "00000f" + "000003" + "aabbcc" + "0000" + "000002" + "dddd" + "0000");
        CertificateMessage parsed = CertificateMessage.Parse(body);

        Assert.Equal(2, parsed.Entries.Count);
        Assert.Equal([0xAA, 0xBB, 0xCC], parsed.Entries[0].Data);
        Assert.Equal(body, parsed.Encode().AsSpan(4).ToArray());
        AssertTruncationsFail(parsed.Encode(), b => CertificateMessage.Parse(b));
    }

    [Fact]
    public void Certificate_ChainLongerThanTheLimit_IsBadCertificate()
    {
        var message = new CertificateMessage { Entries = Enumerable.Range(0, 17).Select(i => new CertificateEntry([(byte)i], [])).ToList() };

        Assert.Equal(TlsAlert.BadCertificate, Assert.Throws<TlsAlertException>(() => CertificateMessage.Parse(message.Encode().AsSpan(4))).Alert);
    }

    [Fact]
    public void CertificateVerify_KnownEncodingParses_RoundTrips_AndTruncationsFail()
    {
        byte[] body = Convert.FromHexString("0403" + "0004" + "01020304");
        CertificateVerifyMessage parsed = CertificateVerifyMessage.Parse(body);

        Assert.Equal((ushort)0x0403, parsed.Scheme);
        Assert.Equal([1, 2, 3, 4], parsed.Signature);
        Assert.Equal(body, parsed.Encode().AsSpan(4).ToArray());
        AssertTruncationsFail(parsed.Encode(), b => CertificateVerifyMessage.Parse(b));
    }

    [Fact]
    public void Finished_ParsesOnlyTheHashLength()
    {
        byte[] body = new byte[48];
        Assert.Equal(48, FinishedMessage.Parse(body, 48).VerifyData.Length);
        Assert.Equal(TlsAlert.DecodeError, Assert.Throws<TlsAlertException>(() => FinishedMessage.Parse(body, 32)).Alert);
        Assert.Equal(TlsAlert.DecodeError, Assert.Throws<TlsAlertException>(() => FinishedMessage.Parse(body.AsSpan(1), 48)).Alert);
    }

    [Fact]
    public void NewSessionTicket_KnownEncodingParses_RoundTrips_AndTruncationsFail()
    {
        byte[] body = Convert.FromHexString("00000e10" + "01020304" + "01" + "aa" + "0002" + "bbcc" + "0008" + "002a0004ffffffff");
        NewSessionTicketMessage parsed = NewSessionTicketMessage.Parse(body);

        Assert.Equal(3600u, parsed.LifetimeSeconds);
        Assert.Equal(0x01020304u, parsed.AgeAdd);
        Assert.Equal([0xAA], parsed.Nonce);
        Assert.Equal([0xBB, 0xCC], parsed.Ticket);
        Assert.Equal(uint.MaxValue, parsed.MaxEarlyDataSize);
        Assert.Equal(body, parsed.Encode().AsSpan(4).ToArray());
        AssertTruncationsFail(parsed.Encode(), b => NewSessionTicketMessage.Parse(b));
    }

    [Fact]
    public void NewSessionTicket_LifetimeOverSevenDays_IsIllegalParameter()
    {
        byte[] ticket = new NewSessionTicketMessage { LifetimeSeconds = 604_801, AgeAdd = 0, Nonce = [], Ticket = [1] }.Encode();

        Assert.Equal(TlsAlert.IllegalParameter, Assert.Throws<TlsAlertException>(() => NewSessionTicketMessage.Parse(ticket.AsSpan(4))).Alert);
    }

    [Fact]
    public void MessageBuffer_ReassemblesSplitMessagesAndHoldsPartialOnes()
    {
        var buffer = new TlsMessageBuffer();
        byte[] first = Message(TlsHandshakeType.Finished, [1, 2, 3]);
        byte[] second = Message(TlsHandshakeType.Certificate, [4]);
        byte[] both = [.. first, .. second];

        buffer.Append(both.AsSpan(0, 2));
        Assert.False(buffer.TryRead(out _, out _));
        buffer.Append(both.AsSpan(2, 6));
        Assert.True(buffer.TryRead(out TlsHandshakeType type, out byte[] message));
        Assert.Equal(TlsHandshakeType.Finished, type);
        Assert.Equal(first, message);
        Assert.False(buffer.TryRead(out _, out _));
        Assert.Equal(1, buffer.BufferedLength);
        buffer.Append(both.AsSpan(8));
        Assert.True(buffer.TryRead(out type, out message));
        Assert.Equal(TlsHandshakeType.Certificate, type);
        Assert.Equal(second, message);
        Assert.Equal(0, buffer.BufferedLength);
    }

    [Fact]
    public void MessageBuffer_AllowsLargerCertificateMessagesThanOthers()
    {
        var buffer = new TlsMessageBuffer();
        buffer.Append([(byte)TlsHandshakeType.Certificate, 0x01, 0x00, 0x00]);
        Assert.False(buffer.TryRead(out _, out _));

        var other = new TlsMessageBuffer();
        other.Append([(byte)TlsHandshakeType.EncryptedExtensions, 0x01, 0x00, 0x01]);
        Assert.Equal(TlsAlert.DecodeError, Assert.Throws<TlsAlertException>(() => other.TryRead(out _, out _)).Alert);

        var huge = new TlsMessageBuffer();
        huge.Append([(byte)TlsHandshakeType.Certificate, 0x02, 0x00, 0x01]);
        Assert.Equal(TlsAlert.DecodeError, Assert.Throws<TlsAlertException>(() => huge.TryRead(out _, out _)).Alert);
    }

    /// <summary>
    /// Parses every proper prefix of a message body: each must fail with <see cref="TlsAlertException"/>, except
    /// exactly the prefix <paramref name="allowedPrefix"/> where a legacy hello without extensions is well formed.
    /// </summary>
    private static void AssertTruncationsFail(byte[] message, Func<byte[], object> parse, int allowedPrefix = -1)
    {
        byte[] body = message[4..];
        for (int length = 0; length < body.Length; length++)
        {
            byte[] prefix = body[..length];
            if (length == allowedPrefix)
            {
                parse(prefix);
                continue;
            }

            Assert.Throws<TlsAlertException>(() => parse(prefix));
        }
    }
}
