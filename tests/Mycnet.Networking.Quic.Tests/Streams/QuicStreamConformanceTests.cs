using System.Security.Cryptography;
using Mycnet.Networking.Quic.Tests.Engines;

namespace Mycnet.Networking.Quic.Tests.Streams;

/// <summary>
/// .NET <see cref="Stream"/> semantics of <see cref="QuicStream"/>, independent of the engine:
/// a derived class supplies connected connection pairs (<see cref="CreateConnectionPairAsync"/>),
/// so the same tests run over every engine behind the public API. The client's default stream
/// error code must be <see cref="ClientDefaultStreamErrorCode"/>. A derived class that needs an
/// engine this host may lack says so with <see cref="RequiresQuicEngineAttribute"/>; the tests are
/// <see cref="EngineFactAttribute"/>s, so they are then skipped with the reason.
/// </summary>
public abstract class QuicStreamConformanceTests
{
    /// <summary>The DefaultStreamErrorCode of the client connections the factory makes.</summary>
    protected const long ClientDefaultStreamErrorCode = 0x41;

    /// <summary>A client connection and the server connection that accepted it.</summary>
    protected abstract Task<QuicConnectionPair> CreateConnectionPairAsync();

    [EngineFact]
    public async Task Write_ThenRead_CarriesTheBytesBothWays()
    {
        await using QuicConnectionPair pair = await CreateConnectionPairAsync();
        (QuicStream client, QuicStream server) = await OpenBidirectionalAsync(pair);

        await client.WriteAsync("ping"u8.ToArray()).Guard();
        Assert.Equal("ping", await ReadStringAsync(server, 4));
        await server.WriteAsync("pong"u8.ToArray()).Guard();
        Assert.Equal("pong", await ReadStringAsync(client, 4));
    }

    [EngineFact]
    public async Task Read_AfterTheFin_ReturnsZeroEveryTime()
    {
        await using QuicConnectionPair pair = await CreateConnectionPairAsync();
        (QuicStream client, QuicStream server) = await OpenBidirectionalAsync(pair);

        await client.WriteAsync("end"u8.ToArray(), completeWrites: true).Guard();
        Assert.Equal("end", await ReadStringAsync(server, 3));
        var buffer = new byte[16];
        Assert.Equal(0, await server.ReadAsync(buffer).Guard());
        Assert.Equal(0, await server.ReadAsync(buffer).Guard());
        await server.ReadsClosed.Guard();
    }

    [EngineFact]
    public async Task ZeroByteRead_WaitsForData_WithoutConsumingIt()
    {
        await using QuicConnectionPair pair = await CreateConnectionPairAsync();
        (QuicStream client, QuicStream server) = await OpenBidirectionalAsync(pair);

        ValueTask<int> zeroByteRead = server.ReadAsync(Memory<byte>.Empty);
        Assert.False(zeroByteRead.IsCompleted);
        await client.WriteAsync("data"u8.ToArray()).Guard();
        Assert.Equal(0, await zeroByteRead.Guard());
        Assert.Equal("data", await ReadStringAsync(server, 4));
    }

    [EngineFact]
    public async Task ZeroByteRead_AtTheEnd_ReturnsZero()
    {
        await using QuicConnectionPair pair = await CreateConnectionPairAsync();
        (QuicStream client, QuicStream server) = await OpenBidirectionalAsync(pair);

        client.CompleteWrites();
        Assert.Equal(0, await server.ReadAsync(Memory<byte>.Empty).Guard());
        Assert.Equal(0, await server.ReadAsync(new byte[8]).Guard());
    }

    [EngineFact]
    public async Task HalfClose_CompleteWritesThenReadThePeersReply()
    {
        await using QuicConnectionPair pair = await CreateConnectionPairAsync();
        (QuicStream client, QuicStream server) = await OpenBidirectionalAsync(pair);

        await client.WriteAsync("request"u8.ToArray()).Guard();
        client.CompleteWrites();
        Assert.Equal("request", await ReadToEndAsStringAsync(server));

        await server.WriteAsync("reply"u8.ToArray(), completeWrites: true).Guard();
        Assert.Equal("reply", await ReadToEndAsStringAsync(client));
        await client.WritesClosed.Guard();
        await server.WritesClosed.Guard();
        await client.ReadsClosed.Guard();
    }

    [EngineFact]
    public async Task Flush_DoesNothing_AndTheDataStillArrives()
    {
        await using QuicConnectionPair pair = await CreateConnectionPairAsync();
        (QuicStream client, QuicStream server) = await OpenBidirectionalAsync(pair);

        await client.WriteAsync("x"u8.ToArray()).Guard();
        client.Flush();
        await client.FlushAsync().Guard();
        Assert.Equal("x", await ReadStringAsync(server, 1));
    }

    [EngineFact]
    public async Task LargeWrite_FourMegabytes_ArrivesIntact()
    {
        await using QuicConnectionPair pair = await CreateConnectionPairAsync();
        (QuicStream client, QuicStream server) = await OpenBidirectionalAsync(pair);
        byte[] data = RandomNumberGenerator.GetBytes(4 << 20);

        Task<byte[]> reader = ReadToEndAsync(server);
        await client.WriteAsync(data, completeWrites: true).Guard();
        Assert.Equal(data, await reader.Guard());
    }

    [EngineFact]
    public async Task ConcurrentReadAndWrite_OnOneStream_EchoesEverything()
    {
        await using QuicConnectionPair pair = await CreateConnectionPairAsync();
        (QuicStream client, QuicStream server) = await OpenBidirectionalAsync(pair);
        byte[] data = RandomNumberGenerator.GetBytes(1 << 20);

        Task echo = Task.Run(async () =>
        {
            var buffer = new byte[8192];
            int n;
            while ((n = await server.ReadAsync(buffer)) > 0)
            {
                await server.WriteAsync(buffer.AsMemory(0, n));
            }

            server.CompleteWrites();
        });
        Task<byte[]> reader = ReadToEndAsync(client);
        for (int offset = 0; offset < data.Length; offset += 16384)
        {
            await client.WriteAsync(data.AsMemory(offset, 16384)).Guard();
        }

        client.CompleteWrites();
        Assert.Equal(data, await reader.Guard());
        await echo.Guard();
    }

    [EngineFact]
    public async Task SynchronousReadAndWrite_BlockUntilDone()
    {
        await using QuicConnectionPair pair = await CreateConnectionPairAsync();
        (QuicStream client, QuicStream server) = await OpenBidirectionalAsync(pair);

        await Task.Run(() => client.Write("sync"u8)).Guard();
        int read = await Task.Run(() =>
        {
            var buffer = new byte[4];
            int total = 0;
            while (total < 4)
            {
                total += server.Read(buffer.AsSpan(total));
            }

            return System.Text.Encoding.ASCII.GetString(buffer) == "sync" ? total : -1;
        }).Guard();
        Assert.Equal(4, read);
    }

    [EngineFact]
    public async Task CancellingAPendingRead_ThrowsAndAbortsReadingWithTheDefaultCode()
    {
        await using QuicConnectionPair pair = await CreateConnectionPairAsync();
        (QuicStream client, QuicStream server) = await OpenBidirectionalAsync(pair);
        using var cancellation = new CancellationTokenSource();

        ValueTask<int> read = client.ReadAsync(new byte[16], cancellation.Token);
        Assert.False(read.IsCompleted);
        cancellation.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read.Guard());
        await Assert.ThrowsAsync<QuicException>(() => client.ReadsClosed.Guard());

        // The server learns through STOP_SENDING: its writes fail with the client's default code.
        QuicException stopped = await Assert.ThrowsAsync<QuicException>(() => WriteUntilFailureAsync(server));
        Assert.Equal(QuicError.StreamAborted, stopped.QuicError);
        Assert.Equal(ClientDefaultStreamErrorCode, stopped.ApplicationErrorCode);
    }

    [EngineFact]
    public async Task CancellingAPendingWrite_ThrowsAndResetsTheStreamWithTheDefaultCode()
    {
        await using QuicConnectionPair pair = await CreateConnectionPairAsync();
        (QuicStream client, QuicStream server) = await OpenBidirectionalAsync(pair);
        using var cancellation = new CancellationTokenSource();

        // The server does not read: flow control and the send buffer fill, so the write waits.
        ValueTask write = client.WriteAsync(new byte[16 << 20], cancellation.Token);
        Assert.False(write.IsCompleted);
        cancellation.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => write.Guard());

        QuicException reset = await Assert.ThrowsAsync<QuicException>(() => ReadToEndAsync(server));
        Assert.Equal(QuicError.StreamAborted, reset.QuicError);
        Assert.Equal(ClientDefaultStreamErrorCode, reset.ApplicationErrorCode);
    }

    [EngineFact]
    public async Task AbortWrite_SurfacesOnThePeersRead_WithTheCode()
    {
        await using QuicConnectionPair pair = await CreateConnectionPairAsync();
        (QuicStream client, QuicStream server) = await OpenBidirectionalAsync(pair);

        client.Abort(QuicAbortDirection.Write, 0x1234);
        QuicException reset = await Assert.ThrowsAsync<QuicException>(() => ReadToEndAsync(server));
        Assert.Equal(QuicError.StreamAborted, reset.QuicError);
        Assert.Equal(0x1234, reset.ApplicationErrorCode);
        QuicException readsClosed = await Assert.ThrowsAsync<QuicException>(() => server.ReadsClosed.Guard());
        Assert.Equal(0x1234, readsClosed.ApplicationErrorCode);
        QuicException local = await Assert.ThrowsAsync<QuicException>(() => client.WriteAsync(new byte[1]).Guard());
        Assert.Equal(QuicError.OperationAborted, local.QuicError);
    }

    [EngineFact]
    public async Task AbortRead_SurfacesOnThePeersWrites_WithTheCode()
    {
        await using QuicConnectionPair pair = await CreateConnectionPairAsync();
        (QuicStream client, QuicStream server) = await OpenBidirectionalAsync(pair);

        client.Abort(QuicAbortDirection.Read, 0x77);
        QuicException stopped = await Assert.ThrowsAsync<QuicException>(() => WriteUntilFailureAsync(server));
        Assert.Equal(QuicError.StreamAborted, stopped.QuicError);
        Assert.Equal(0x77, stopped.ApplicationErrorCode);
        QuicException writesClosed = await Assert.ThrowsAsync<QuicException>(() => server.WritesClosed.Guard());
        Assert.Equal(0x77, writesClosed.ApplicationErrorCode);
        QuicException local = await Assert.ThrowsAsync<QuicException>(() => client.ReadAsync(new byte[1]).Guard());
        Assert.Equal(QuicError.OperationAborted, local.QuicError);
    }

    [EngineFact]
    public async Task WritesClosed_CompletesOnceThePeerAcknowledgedTheFin()
    {
        await using QuicConnectionPair pair = await CreateConnectionPairAsync();
        (QuicStream client, QuicStream server) = await OpenBidirectionalAsync(pair);

        Assert.False(client.WritesClosed.IsCompleted);
        await client.WriteAsync(new byte[100_000], completeWrites: true).Guard();
        await client.WritesClosed.Guard();
        Assert.Equal(100_000, (await ReadToEndAsync(server)).Length);
    }

    [EngineFact]
    public async Task TwoPendingReads_TheSecondThrows()
    {
        await using QuicConnectionPair pair = await CreateConnectionPairAsync();
        (QuicStream client, _) = await OpenBidirectionalAsync(pair);

        ValueTask<int> first = client.ReadAsync(new byte[4]);
        Assert.Throws<InvalidOperationException>(() => { _ = client.ReadAsync(new byte[4]); });
        client.Abort(QuicAbortDirection.Read, 1);
        await Assert.ThrowsAsync<QuicException>(() => first.Guard());
    }

    [EngineFact]
    public async Task Dispose_CompletesWritesGracefully_ThePeerReadsToTheEnd()
    {
        await using QuicConnectionPair pair = await CreateConnectionPairAsync();
        (QuicStream client, QuicStream server) = await OpenBidirectionalAsync(pair);

        await client.WriteAsync("last words"u8.ToArray()).Guard();
        await client.DisposeAsync();
        Assert.Equal("last words", await ReadToEndAsStringAsync(server));
    }

    [EngineFact]
    public async Task Dispose_BeforeReadingToTheEnd_AbortsReadingWithTheDefaultCode()
    {
        await using QuicConnectionPair pair = await CreateConnectionPairAsync();
        (QuicStream client, QuicStream server) = await OpenBidirectionalAsync(pair);

        client.Dispose();
        QuicException stopped = await Assert.ThrowsAsync<QuicException>(() => WriteUntilFailureAsync(server));
        Assert.Equal(ClientDefaultStreamErrorCode, stopped.ApplicationErrorCode);
    }

    [EngineFact]
    public async Task AfterDispose_OperationsThrowObjectDisposed()
    {
        await using QuicConnectionPair pair = await CreateConnectionPairAsync();
        (QuicStream client, _) = await OpenBidirectionalAsync(pair);

        await client.DisposeAsync();
        Assert.False(client.CanRead);
        Assert.False(client.CanWrite);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.ReadAsync(new byte[1]).AsTask());
        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.WriteAsync(new byte[1]).AsTask());
        Assert.Throws<ObjectDisposedException>(() => client.Flush());
        Assert.Throws<ObjectDisposedException>(client.CompleteWrites);
    }

    [EngineFact]
    public async Task StreamShape_NoSeeking_DirectionsByType()
    {
        await using QuicConnectionPair pair = await CreateConnectionPairAsync();
        (QuicStream client, QuicStream server) = await OpenBidirectionalAsync(pair);
        QuicStream unidirectional = await pair.Client.OpenOutboundStreamAsync(QuicStreamType.Unidirectional).Guard();

        Assert.True(client.CanRead && client.CanWrite && !client.CanSeek);
        Assert.Equal(QuicStreamType.Bidirectional, server.Type);
        Assert.Equal(client.Id, server.Id);
        Assert.Throws<NotSupportedException>(() => client.Length);
        Assert.Throws<NotSupportedException>(() => client.Seek(0, SeekOrigin.Begin));
        Assert.False(unidirectional.CanRead);
        Assert.True(unidirectional.CanWrite);
        Assert.True(unidirectional.ReadsClosed.IsCompletedSuccessfully);
        Assert.Throws<InvalidOperationException>(() => { _ = unidirectional.ReadAsync(new byte[1]); });
    }

    [EngineFact]
    public async Task UnidirectionalStream_CarriesDataOneWay()
    {
        await using QuicConnectionPair pair = await CreateConnectionPairAsync();
        QuicStream sender = await pair.Client.OpenOutboundStreamAsync(QuicStreamType.Unidirectional).Guard();
        await sender.WriteAsync("one way"u8.ToArray(), completeWrites: true).Guard();
        QuicStream receiver = await pair.Server.AcceptInboundStreamAsync().Guard();

        Assert.Equal(QuicStreamType.Unidirectional, receiver.Type);
        Assert.False(receiver.CanWrite);
        Assert.Equal("one way", await ReadToEndAsStringAsync(receiver));
        Assert.True(receiver.WritesClosed.IsCompletedSuccessfully);
    }

    [EngineFact]
    public async Task ConnectionClosedByThePeer_FailsAPendingRead_WithItsCode()
    {
        await using QuicConnectionPair pair = await CreateConnectionPairAsync();
        (QuicStream client, _) = await OpenBidirectionalAsync(pair);

        ValueTask<int> read = client.ReadAsync(new byte[8]);
        await pair.Server.CloseAsync(0x99).Guard();
        QuicException closed = await Assert.ThrowsAsync<QuicException>(() => read.Guard());
        Assert.Equal(QuicError.ConnectionAborted, closed.QuicError);
        Assert.Equal(0x99, closed.ApplicationErrorCode);
    }

    /// <summary>Opens a bidirectional stream on the client and accepts it on the server (one byte makes it visible, then is consumed).</summary>
    protected static async Task<(QuicStream Client, QuicStream Server)> OpenBidirectionalAsync(QuicConnectionPair pair)
    {
        QuicStream client = await pair.Client.OpenOutboundStreamAsync(QuicStreamType.Bidirectional).Guard();
        await client.WriteAsync(new byte[] { 0xAA }).Guard();
        QuicStream server = await pair.Server.AcceptInboundStreamAsync().Guard();
        var first = new byte[1];
        Assert.Equal(1, await server.ReadAsync(first).Guard());
        Assert.Equal(0xAA, first[0]);
        return (client, server);
    }

    protected static async Task<string> ReadStringAsync(QuicStream stream, int length)
    {
        var buffer = new byte[length];
        int total = 0;
        while (total < length)
        {
            int n = await stream.ReadAsync(buffer.AsMemory(total)).Guard();
            Assert.NotEqual(0, n);
            total += n;
        }

        return System.Text.Encoding.ASCII.GetString(buffer);
    }

    protected static async Task<byte[]> ReadToEndAsync(QuicStream stream)
    {
        using var collected = new MemoryStream();
        var buffer = new byte[64 * 1024];
        int n;
        while ((n = await stream.ReadAsync(buffer).Guard()) > 0)
        {
            collected.Write(buffer, 0, n);
        }

        return collected.ToArray();
    }

    protected static async Task<string> ReadToEndAsStringAsync(QuicStream stream) => System.Text.Encoding.ASCII.GetString(await ReadToEndAsync(stream));

    /// <summary>Writes until the peer's STOP_SENDING makes a write fail (bounded: the test fails if it never does).</summary>
    protected static async Task WriteUntilFailureAsync(QuicStream stream)
    {
        var chunk = new byte[1024];
        for (int i = 0; i < 100_000; i++)
        {
            await stream.WriteAsync(chunk).Guard();
            await Task.Yield();
        }
    }
}
