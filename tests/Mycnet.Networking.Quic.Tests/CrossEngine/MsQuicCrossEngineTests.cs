using System.Buffers.Binary;
using System.Security.Cryptography;
using Mycnet.Networking.Quic.Tests.Engines;
using Mycnet.Networking.Testing;

namespace Mycnet.Networking.Quic.Tests.CrossEngine;

/// <summary>
/// The managed engine and the msquic engine speak QUIC v1 to each other on loopback: a managed
/// client with an msquic server, and an msquic client with a managed server (each theory runs
/// both pairings). Skipped without libmsquic.
/// </summary>
[RequiresQuicEngine(QuicEngine.MsQuic)]
public sealed class MsQuicCrossEngineTests
{
    private const long TransferBytes = 100L * 1000 * 1000;
    private const int ChunkSize = 256 * 1024;

    /// <summary>A generous bound for the 100 MB transfer on a loaded 2-core machine.</summary>
    private static readonly TimeSpan TransferTimeout = TimeSpan.FromSeconds(120);

    [EngineTheory]
    [InlineData(QuicEngine.Managed, QuicEngine.MsQuic)]
    [InlineData(QuicEngine.MsQuic, QuicEngine.Managed)]
    public async Task CrossEngine_Handshake_AgreesOnAlpnCipherAndCertificate(QuicEngine clientEngine, QuicEngine serverEngine)
    {
        await using QuicConnectionPair pair = await QuicConnectionPair.CreateAsync(clientEngine, serverEngine);

        Assert.Equal(QuicTestHarness.Protocol, pair.Client.NegotiatedApplicationProtocol);
        Assert.Equal(QuicTestHarness.Protocol, pair.Server.NegotiatedApplicationProtocol);
        Assert.Equal(pair.Client.NegotiatedCipherSuite, pair.Server.NegotiatedCipherSuite);
        Assert.Equal(TestCertificates.EcdsaP256Server.Thumbprint, pair.Client.RemoteCertificate!.Thumbprint);
        Assert.Equal("localhost", pair.Server.TargetHostName);
        Assert.Equal(pair.Client.LocalEndPoint, pair.Server.RemoteEndPoint);
        await QuicConnectionTests.AssertEchoAsync(pair.Client, pair.Server);
    }

    [EngineTheory]
    [InlineData(QuicEngine.Managed, QuicEngine.MsQuic)]
    [InlineData(QuicEngine.MsQuic, QuicEngine.Managed)]
    public async Task CrossEngine_100MegabyteTransfer_ArrivesIntact_BothWays(QuicEngine clientEngine, QuicEngine serverEngine)
    {
        await using QuicConnectionPair pair = await QuicConnectionPair.CreateAsync(clientEngine, serverEngine);
        QuicStream upload = await pair.Client.OpenOutboundStreamAsync(QuicStreamType.Bidirectional).Guard();

        // Client to server on one stream, then server to client on the same stream.
        Task<byte[]> sending = SendAsync(upload, seed: 1);
        QuicStream accepted = await pair.Server.AcceptInboundStreamAsync().Guard();
        (long received, byte[] receivedHash) = await ReceiveAsync(accepted).WaitAsync(TransferTimeout);
        Assert.Equal(TransferBytes, received);
        Assert.Equal(await sending.WaitAsync(TransferTimeout), receivedHash);

        Task<byte[]> replying = SendAsync(accepted, seed: 2);
        (received, receivedHash) = await ReceiveAsync(upload).WaitAsync(TransferTimeout);
        Assert.Equal(TransferBytes, received);
        Assert.Equal(await replying.WaitAsync(TransferTimeout), receivedHash);
        await upload.WritesClosed.Guard();
        await accepted.WritesClosed.Guard();
    }

    [EngineTheory]
    [InlineData(QuicEngine.Managed, QuicEngine.MsQuic)]
    [InlineData(QuicEngine.MsQuic, QuicEngine.Managed)]
    public async Task CrossEngine_HundredConcurrentStreams_AreAllEchoed(QuicEngine clientEngine, QuicEngine serverEngine)
    {
        const int Streams = 100;
        await using QuicConnectionPair pair = await QuicConnectionPair.CreateAsync(clientEngine, serverEngine);
        Task serving = Task.Run(async () =>
        {
            var echoes = new Task[Streams];
            for (int i = 0; i < Streams; i++)
            {
                QuicStream stream = await pair.Server.AcceptInboundStreamAsync();
                echoes[i] = EchoAsync(stream);
            }

            await Task.WhenAll(echoes);
        });

        // All 100 open at once (the server's default limit is 100 bidirectional streams).
        QuicStream[] streams = await Task.WhenAll(Enumerable.Range(0, Streams).Select(_ => pair.Client.OpenOutboundStreamAsync(QuicStreamType.Bidirectional).AsTask())).Guard();
        await Task.WhenAll(streams.Select(async (stream, i) =>
        {
            byte[] message = Payload(i, 10_000 + i);
            await stream.WriteAsync(message, completeWrites: true);
            Assert.Equal(message, await ReadAllAsync(stream));
            await stream.DisposeAsync();
        })).Guard();
        await serving.Guard();
        Assert.Equal(Streams, streams.Select(s => s.Id).Distinct().Count());
    }

    [EngineTheory]
    [InlineData(QuicEngine.Managed, QuicEngine.MsQuic)]
    [InlineData(QuicEngine.MsQuic, QuicEngine.Managed)]
    public async Task CrossEngine_ApplicationCloseCodes_ReachThePeer_FromEitherSide(QuicEngine clientEngine, QuicEngine serverEngine)
    {
        await using (QuicConnectionPair pair = await QuicConnectionPair.CreateAsync(clientEngine, serverEngine))
        {
            ValueTask<QuicStream> waiting = pair.Server.AcceptInboundStreamAsync();
            await pair.Client.CloseAsync(0x1234).Guard();
            QuicException closed = await Assert.ThrowsAsync<QuicException>(() => waiting.Guard());
            Assert.Equal(QuicError.ConnectionAborted, closed.QuicError);
            Assert.Equal(0x1234, closed.ApplicationErrorCode);
        }

        await using (QuicConnectionPair pair = await QuicConnectionPair.CreateAsync(clientEngine, serverEngine))
        {
            ValueTask<QuicStream> waiting = pair.Client.AcceptInboundStreamAsync();
            await pair.Server.CloseAsync((1L << 62) - 1).Guard();
            QuicException closed = await Assert.ThrowsAsync<QuicException>(() => waiting.Guard());
            Assert.Equal(QuicError.ConnectionAborted, closed.QuicError);
            Assert.Equal((1L << 62) - 1, closed.ApplicationErrorCode);
        }

        await using (QuicConnectionPair pair = await QuicConnectionPair.CreateAsync(clientEngine, serverEngine))
        {
            // Disposal closes with the default close error code (the harness's client uses 0x42).
            ValueTask<QuicStream> waiting = pair.Server.AcceptInboundStreamAsync();
            await pair.Client.DisposeAsync();
            QuicException closed = await Assert.ThrowsAsync<QuicException>(() => waiting.Guard());
            Assert.Equal(0x42, closed.ApplicationErrorCode);
        }
    }

    [EngineTheory]
    [InlineData(QuicEngine.Managed, QuicEngine.MsQuic)]
    [InlineData(QuicEngine.MsQuic, QuicEngine.Managed)]
    public async Task CrossEngine_StreamAbortCodes_ReachThePeer_BothDirections(QuicEngine clientEngine, QuicEngine serverEngine)
    {
        await using QuicConnectionPair pair = await QuicConnectionPair.CreateAsync(clientEngine, serverEngine);

        // Client RESET_STREAM: the server's read fails with the code.
        (QuicStream client, QuicStream server) = await OpenAsync(pair);
        client.Abort(QuicAbortDirection.Write, 0x77);
        QuicException reset = await Assert.ThrowsAsync<QuicException>(() => ReadAllAsync(server));
        Assert.Equal(QuicError.StreamAborted, reset.QuicError);
        Assert.Equal(0x77, reset.ApplicationErrorCode);

        // Client STOP_SENDING: the server's writes fail with the code.
        client.Abort(QuicAbortDirection.Read, 0x88);
        QuicException stopped = await Assert.ThrowsAsync<QuicException>(() => WriteUntilFailureAsync(server));
        Assert.Equal(QuicError.StreamAborted, stopped.QuicError);
        Assert.Equal(0x88, stopped.ApplicationErrorCode);

        // And the other way: the server aborts both directions of a new stream.
        (client, server) = await OpenAsync(pair);
        server.Abort(QuicAbortDirection.Both, (1L << 62) - 1);
        reset = await Assert.ThrowsAsync<QuicException>(() => ReadAllAsync(client));
        Assert.Equal(QuicError.StreamAborted, reset.QuicError);
        Assert.Equal((1L << 62) - 1, reset.ApplicationErrorCode);
        stopped = await Assert.ThrowsAsync<QuicException>(() => WriteUntilFailureAsync(client));
        Assert.Equal(QuicError.StreamAborted, stopped.QuicError);
        Assert.Equal((1L << 62) - 1, stopped.ApplicationErrorCode);
    }

    /// <summary>Writes <see cref="TransferBytes"/> of seeded pseudo-random bytes and the FIN; returns their SHA-256.</summary>
    private static async Task<byte[]> SendAsync(QuicStream stream, int seed)
    {
        var random = new Random(seed);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] chunk = new byte[ChunkSize];
        for (long sent = 0; sent < TransferBytes;)
        {
            int length = (int)Math.Min(chunk.Length, TransferBytes - sent);
            random.NextBytes(chunk.AsSpan(0, length));
            hash.AppendData(chunk, 0, length);
            sent += length;
            await stream.WriteAsync(chunk.AsMemory(0, length), completeWrites: sent == TransferBytes);
        }

        return hash.GetHashAndReset();
    }

    /// <summary>Reads to the FIN; returns the byte count and their SHA-256.</summary>
    private static async Task<(long Bytes, byte[] Hash)> ReceiveAsync(QuicStream stream)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] buffer = new byte[ChunkSize];
        long total = 0;
        int n;
        while ((n = await stream.ReadAsync(buffer)) > 0)
        {
            hash.AppendData(buffer, 0, n);
            total += n;
        }

        return (total, hash.GetHashAndReset());
    }

    private static async Task EchoAsync(QuicStream stream)
    {
        await using (stream)
        {
            byte[] message = await ReadAllAsync(stream);
            await stream.WriteAsync(message, completeWrites: true);
            await stream.WritesClosed;
        }
    }

    private static async Task<(QuicStream Client, QuicStream Server)> OpenAsync(QuicConnectionPair pair)
    {
        QuicStream client = await pair.Client.OpenOutboundStreamAsync(QuicStreamType.Bidirectional).Guard();
        await client.WriteAsync(new byte[] { 1 }).Guard();
        QuicStream server = await pair.Server.AcceptInboundStreamAsync().Guard();
        Assert.Equal(1, await server.ReadAsync(new byte[1]).Guard());
        await server.WriteAsync(new byte[] { 2 }).Guard();
        Assert.Equal(1, await client.ReadAsync(new byte[1]).Guard());
        return (client, server);
    }

    private static async Task<byte[]> ReadAllAsync(QuicStream stream)
    {
        using var collected = new MemoryStream();
        byte[] buffer = new byte[16 * 1024];
        int n;
        while ((n = await stream.ReadAsync(buffer).Guard()) > 0)
        {
            collected.Write(buffer, 0, n);
        }

        return collected.ToArray();
    }

    /// <summary>Writes until the peer's STOP_SENDING makes a write fail (bounded: the test fails if it never does).</summary>
    private static async Task WriteUntilFailureAsync(QuicStream stream)
    {
        byte[] chunk = new byte[1024];
        for (int i = 0; i < 100_000; i++)
        {
            await stream.WriteAsync(chunk).Guard();
            await Task.Yield();
        }
    }

    /// <summary>A message that names its stream, so a mix-up between streams shows.</summary>
    private static byte[] Payload(int index, int length)
    {
        byte[] message = new byte[length];
        new Random(index).NextBytes(message);
        BinaryPrimitives.WriteInt32BigEndian(message, index);
        return message;
    }
}
