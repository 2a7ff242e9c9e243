using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;
using Mycnet.Networking.Quic;

namespace Mycnet.Networking.Perf.Quic;

/// <content>The operations of <see cref="PerfProtocol"/>, one stream each.</content>
internal sealed partial class PerfServer
{
    /// <summary>What downloads send: zeros, written in writes of this size.</summary>
    private static readonly byte[] Payload = new byte[256 * 1024];

    private async Task ServeStreamAsync(QuicConnection connection, QuicStream stream)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(PerfProtocol.HeaderLength + PerfProtocol.MaxMessageSize);
        try
        {
            await using (stream.ConfigureAwait(false))
            {
                // Read the operation and its argument, or a whole short request (rr) up to its FIN.
                int filled = 0;
                bool ended = false;
                while (filled < PerfProtocol.HeaderLength)
                {
                    int n = await stream.ReadAsync(buffer.AsMemory(filled), _stopping.Token).ConfigureAwait(false);
                    if (n == 0)
                    {
                        ended = true;
                        break;
                    }

                    filled += n;
                }

                if (filled == 0)
                {
                    return;
                }

                long argument = filled >= PerfProtocol.HeaderLength ? BinaryPrimitives.ReadInt64BigEndian(buffer.AsSpan(1)) : 0;
                switch (buffer[0])
                {
                    case PerfProtocol.Request:
                        await ServeRequestAsync(stream, buffer, filled, ended).ConfigureAwait(false);
                        break;
                    case PerfProtocol.Download when filled == PerfProtocol.HeaderLength && argument >= 0:
                        await ReadToEndAsync(stream, buffer, ended).ConfigureAwait(false);
                        await ServeDownloadAsync(connection, stream, argument).ConfigureAwait(false);
                        break;
                    case PerfProtocol.Upload when argument >= 0:
                        await ServeUploadAsync(stream, buffer, filled - PerfProtocol.HeaderLength, ended).ConfigureAwait(false);
                        break;
                    case PerfProtocol.Echo when argument is > 0 and <= PerfProtocol.MaxMessageSize:
                        await ServeEchoAsync(stream, buffer, filled - PerfProtocol.HeaderLength, (int)argument, ended).ConfigureAwait(false);
                        break;
                    case PerfProtocol.Memory when filled == PerfProtocol.HeaderLength && argument is >= 0 and <= int.MaxValue:
                        await ReadToEndAsync(stream, buffer, ended).ConfigureAwait(false);
                        await ServeMemoryAsync(stream, (int)argument).ConfigureAwait(false);
                        break;
                    default:
                        stream.Abort(QuicAbortDirection.Both, 2);
                        break;
                }
            }
        }
        catch (QuicException)
        {
            // The client aborted the stream or closed the connection.
        }
        catch (OperationCanceledException)
        {
            // The server is stopping.
        }
        catch (TimeoutException)
        {
            // A memory query whose connection count never came.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task ServeRequestAsync(QuicStream stream, byte[] buffer, int filled, bool ended)
    {
        while (!ended)
        {
            if (filled == PerfProtocol.MaxMessageSize)
            {
                stream.Abort(QuicAbortDirection.Both, 3);
                return;
            }

            int n = await stream.ReadAsync(buffer.AsMemory(filled, PerfProtocol.MaxMessageSize - filled), _stopping.Token).ConfigureAwait(false);
            ended = n == 0;
            filled += n;
        }

        await stream.WriteAsync(buffer.AsMemory(0, filled), completeWrites: true, _stopping.Token).ConfigureAwait(false);
    }

    private async Task ServeDownloadAsync(QuicConnection connection, QuicStream stream, long bytes)
    {
        if (bytes == 0)
        {
            stream.CompleteWrites();
        }

        long sent = 0;
        while (sent < bytes)
        {
            int length = (int)Math.Min(Payload.Length, bytes - sent);
            sent += length;
            await stream.WriteAsync(Payload.AsMemory(0, length), completeWrites: sent == bytes, _stopping.Token).ConfigureAwait(false);
        }

        // The client has acknowledged everything: the sender's figures are final (bulk prints them).
        await stream.WritesClosed.WaitAsync(_stopping.Token).ConfigureAwait(false);
        OnDownloadAcknowledged(connection);
    }

    private async Task ServeUploadAsync(QuicStream stream, byte[] buffer, int alreadyRead, bool ended)
    {
        long received = alreadyRead;
        while (!ended)
        {
            int n = await stream.ReadAsync(buffer, _stopping.Token).ConfigureAwait(false);
            ended = n == 0;
            received += n;
        }

        await stream.WriteAsync(PerfProtocol.Header(PerfProtocol.Upload, received).AsMemory(1), completeWrites: true, _stopping.Token).ConfigureAwait(false);
    }

    private async Task ServeEchoAsync(QuicStream stream, byte[] buffer, int leftover, int size, bool ended)
    {
        // Messages start after the header; move what arrived with it to the front.
        buffer.AsSpan(PerfProtocol.HeaderLength, leftover).CopyTo(buffer);
        int have = leftover;
        while (true)
        {
            while (have >= size)
            {
                await stream.WriteAsync(buffer.AsMemory(0, size), _stopping.Token).ConfigureAwait(false);
                buffer.AsSpan(size, have - size).CopyTo(buffer);
                have -= size;
            }

            if (ended)
            {
                break;
            }

            int n = await stream.ReadAsync(buffer.AsMemory(have, buffer.Length - have), _stopping.Token).ConfigureAwait(false);
            ended = n == 0;
            have += n;
        }

        if (have != 0)
        {
            stream.Abort(QuicAbortDirection.Write, 4); // a partial message at the end
            return;
        }

        stream.CompleteWrites();
    }

    private async Task ServeMemoryAsync(QuicStream stream, int expectedConnections)
    {
        await WaitForConnectionCountAsync(expectedConnections, _stopping.Token).ConfigureAwait(false);
        MemorySnapshot snapshot = MemorySnapshot.Take(ConnectionCount);
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(snapshot);
        await stream.WriteAsync(json, completeWrites: true, _stopping.Token).ConfigureAwait(false);
    }

    private async Task ReadToEndAsync(QuicStream stream, byte[] buffer, bool ended)
    {
        while (!ended)
        {
            ended = await stream.ReadAsync(buffer, _stopping.Token).ConfigureAwait(false) == 0;
        }
    }
}
