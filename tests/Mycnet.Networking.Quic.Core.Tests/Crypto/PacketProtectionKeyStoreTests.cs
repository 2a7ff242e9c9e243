using Mycnet.Networking.Quic.Core.Crypto;

namespace Mycnet.Networking.Quic.Core.Tests.Crypto;

public sealed class PacketProtectionKeyStoreTests
{
    private static readonly byte[] Dcid = Hex.Parse(Rfc9001Vectors.ClientDcid);

    [Fact]
    public void InitialKeys_ClientWritesWhatTheServerReadsAndBack()
    {
        using var client = new PacketProtectionKeyStore();
        using var server = new PacketProtectionKeyStore();
        client.InstallInitial(Dcid, isClient: true);
        server.InstallInitial(Dcid, isClient: false);

        Assert.True(RoundTrip(client, server, EncryptionLevel.Initial));
        Assert.True(RoundTrip(server, client, EncryptionLevel.Initial));
        Assert.False(RoundTrip(client, client, EncryptionLevel.Initial)); // each direction has its own keys
    }

    [Fact]
    public void DiscardedLevel_PacketsCannotBeOpenedAndTheKeysAreDisposed()
    {
        using var client = new PacketProtectionKeyStore();
        using var server = new PacketProtectionKeyStore();
        client.InstallInitial(Dcid, isClient: true);
        server.InstallInitial(Dcid, isClient: false);
        Assert.True(server.TryGetReadKeys(EncryptionLevel.Initial, out PacketProtectionKeys? heldByConnection));
        byte[] packet = Seal(client, EncryptionLevel.Initial, out int pnOffset);

        server.Discard(EncryptionLevel.Initial);

        Assert.True(server.IsDiscarded(EncryptionLevel.Initial));
        Assert.False(server.CanRead(EncryptionLevel.Initial));
        Assert.False(server.CanWrite(EncryptionLevel.Initial));
        Assert.False(server.TryGetReadKeys(EncryptionLevel.Initial, out _));
        Assert.False(server.TryGetWriteKeys(EncryptionLevel.Initial, out _));
        Assert.True(heldByConnection.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => heldByConnection.TryRemoveHeaderProtection(packet, pnOffset, out _, out _));
        Assert.Throws<InvalidOperationException>(() => server.InstallInitial(Dcid, isClient: false));
        server.Discard(EncryptionLevel.Initial);
    }

    [Fact]
    public void InitialKeys_ReinstalledAfterRetryReplaceTheOldOnes()
    {
        using var client = new PacketProtectionKeyStore();
        client.InstallInitial(Dcid, isClient: true);
        Assert.True(client.TryGetWriteKeys(EncryptionLevel.Initial, out PacketProtectionKeys? first));
        byte[] retryScid = Hex.Parse("f067a5502a4262b5");
        client.InstallInitial(retryScid, isClient: true);
        Assert.True(first.IsDisposed);

        using var server = new PacketProtectionKeyStore();
        server.InstallInitial(retryScid, isClient: false);
        Assert.True(RoundTrip(client, server, EncryptionLevel.Initial));
    }

    [Theory]
    [InlineData(CipherSuite.Aes128GcmSha256)]
    [InlineData(CipherSuite.Aes256GcmSha384)]
    [InlineData(CipherSuite.ChaCha20Poly1305Sha256)]
    public void HandshakeAndZeroRttKeys_InstallPerDirectionAndDiscard(CipherSuite suite)
    {
        byte[] clientHs = TestPackets.Secret(suite, 1);
        byte[] serverHs = TestPackets.Secret(suite, 2);
        byte[] early = TestPackets.Secret(suite, 3);
        using var client = new PacketProtectionKeyStore();
        using var server = new PacketProtectionKeyStore();
        client.InstallWrite(EncryptionLevel.Handshake, suite, clientHs);
        client.InstallRead(EncryptionLevel.Handshake, suite, serverHs);
        server.InstallWrite(EncryptionLevel.Handshake, suite, serverHs);
        server.InstallRead(EncryptionLevel.Handshake, suite, clientHs);
        client.InstallWrite(EncryptionLevel.ZeroRtt, suite, early);
        server.InstallRead(EncryptionLevel.ZeroRtt, suite, early);

        Assert.True(RoundTrip(client, server, EncryptionLevel.Handshake));
        Assert.True(RoundTrip(server, client, EncryptionLevel.Handshake));
        Assert.True(RoundTrip(client, server, EncryptionLevel.ZeroRtt));
        Assert.False(client.CanRead(EncryptionLevel.ZeroRtt));
        Assert.False(server.CanWrite(EncryptionLevel.ZeroRtt));

        byte[] late = Seal(client, EncryptionLevel.ZeroRtt, out int pnOffset);
        Assert.True(server.TryGetReadKeys(EncryptionLevel.ZeroRtt, out PacketProtectionKeys? zeroRtt));
        server.Discard(EncryptionLevel.ZeroRtt);
        Assert.False(server.TryGetReadKeys(EncryptionLevel.ZeroRtt, out _));
        Assert.Throws<ObjectDisposedException>(() => zeroRtt.TryRemoveHeaderProtection(late, pnOffset, out _, out _));
        Assert.Throws<ObjectDisposedException>(() => zeroRtt.TryDecryptPayload(late, pnOffset + 2, 76, 3, out _));
        server.Discard(EncryptionLevel.Handshake);
        Assert.False(server.CanRead(EncryptionLevel.Handshake));
        Assert.Throws<InvalidOperationException>(() => server.InstallRead(EncryptionLevel.Handshake, suite, clientHs));
    }

    [Fact]
    public void OneRttKeys_InstallOnceAndDiscard()
    {
        using var store = new PacketProtectionKeyStore();
        Assert.Null(store.OneRtt);
        Assert.False(store.CanRead(EncryptionLevel.OneRtt));
        byte[] read = TestPackets.Secret(CipherSuite.Aes128GcmSha256, 1);
        byte[] write = TestPackets.Secret(CipherSuite.Aes128GcmSha256, 2);
        store.InstallOneRtt(CipherSuite.Aes128GcmSha256, read, write);
        OneRttKeySet? set = store.OneRtt;
        Assert.NotNull(set);
        Assert.True(store.CanWrite(EncryptionLevel.OneRtt));
        Assert.Throws<InvalidOperationException>(() => store.InstallOneRtt(CipherSuite.Aes128GcmSha256, read, write));
        Assert.Throws<ArgumentException>(() => store.InstallRead(EncryptionLevel.OneRtt, CipherSuite.Aes128GcmSha256, read));
        Assert.Throws<ArgumentException>(() => store.TryGetReadKeys(EncryptionLevel.OneRtt, out _));

        store.Discard(EncryptionLevel.OneRtt);
        Assert.Null(store.OneRtt);
        Assert.Throws<ObjectDisposedException>(() => set.EncryptPayload(new byte[64], 13, 20, 0));
        Assert.Throws<InvalidOperationException>(() => store.InstallOneRtt(CipherSuite.Aes128GcmSha256, read, write));
    }

    [Fact]
    public void IntegrityLimit_CountsFailuresAcrossAllLevelsOfTheConnection()
    {
        using var client = new PacketProtectionKeyStore();
        using var server = new PacketProtectionKeyStore(new AeadIntegrityCounter(limitOverride: 2));
        client.InstallInitial(Dcid, isClient: true);
        server.InstallInitial(Hex.Parse("0102030405060708"), isClient: false); // wrong DCID: nothing authenticates
        byte[] hs = TestPackets.Secret(CipherSuite.ChaCha20Poly1305Sha256, 9);
        client.InstallWrite(EncryptionLevel.Handshake, CipherSuite.ChaCha20Poly1305Sha256, hs);
        server.InstallRead(EncryptionLevel.Handshake, CipherSuite.ChaCha20Poly1305Sha256, TestPackets.Secret(CipherSuite.ChaCha20Poly1305Sha256, 10));

        Assert.False(RoundTrip(client, server, EncryptionLevel.Initial));
        Assert.False(RoundTrip(client, server, EncryptionLevel.Initial));
        Assert.False(server.IsIntegrityLimitExceeded);
        Assert.False(RoundTrip(client, server, EncryptionLevel.Handshake));
        Assert.Equal(3, server.Integrity.FailedPackets);
        Assert.True(server.IsIntegrityLimitExceeded);
    }

    [Fact]
    public void Dispose_DisposesEveryLevel()
    {
        var store = new PacketProtectionKeyStore();
        store.InstallInitial(Dcid, isClient: true);
        store.InstallOneRtt(CipherSuite.Aes128GcmSha256, TestPackets.Secret(CipherSuite.Aes128GcmSha256, 1), TestPackets.Secret(CipherSuite.Aes128GcmSha256, 2));
        Assert.True(store.TryGetWriteKeys(EncryptionLevel.Initial, out PacketProtectionKeys? initial));
        OneRttKeySet oneRtt = store.OneRtt!;
        store.Dispose();
        Assert.True(initial.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => oneRtt.ApplyHeaderProtection(new byte[64], 9, 1));
        Assert.Throws<ObjectDisposedException>(() => store.InstallInitial(Dcid, isClient: true));
    }

    private static byte[] Seal(PacketProtectionKeyStore sender, EncryptionLevel level, out int pnOffset)
    {
        Assert.True(sender.TryGetWriteKeys(level, out PacketProtectionKeys? keys));
        byte[] packet = TestPackets.Build(true, 2, 3, 60, seed: (int)level, out pnOffset);
        keys.EncryptPayload(packet, pnOffset + 2, 60, 3);
        keys.ApplyHeaderProtection(packet, pnOffset, 2);
        return packet;
    }

    private static bool RoundTrip(PacketProtectionKeyStore sender, PacketProtectionKeyStore receiver, EncryptionLevel level)
    {
        byte[] packet = Seal(sender, level, out int pnOffset);
        Assert.True(receiver.TryGetReadKeys(level, out PacketProtectionKeys? keys));
        Assert.True(keys.TryRemoveHeaderProtection(packet, pnOffset, out int pnLength, out uint truncated));
        bool opened = keys.TryDecryptPayload(packet, pnOffset + 2, 76, truncated, out _);
        return opened && pnLength == 2;
    }
}
