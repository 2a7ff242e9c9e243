using System.Security.Cryptography;
using Mycnet.Networking.Interop.Transport;

namespace Mycnet.Networking.Interop.Http3;

/// <summary>
/// The client side of HTTP/3, GET only: one request per client-initiated bidirectional stream
/// (RFC 9114 §4.1), the request's FIN right after its HEADERS, the response read to the end while its
/// content is hashed (SHA-256) and optionally copied to a destination stream. Requests may run
/// concurrently; the transport makes a request wait while the server's stream limit is reached.
/// </summary>
internal sealed class H3Client : IAsyncDisposable
{
    private const string UserAgent = "mycnet-interop";

    private readonly H3Connection _connection;
    private readonly string _authority;

    private H3Client(H3Connection connection, string authority)
    {
        _connection = connection;
        _authority = authority;
    }

    public H3Connection Connection => _connection;

    /// <summary>Starts HTTP/3 on a client transport; <paramref name="authority"/> becomes :authority (host[:port]).</summary>
    public static async Task<H3Client> StartAsync(IH3Transport transport, string authority, H3Options options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentException.ThrowIfNullOrEmpty(authority);
        if (!transport.IsClient)
        {
            throw new ArgumentException("H3Client needs the client end of a connection.", nameof(transport));
        }

        H3Connection connection = await H3Connection.StartAsync(transport, options, requestHandler: null, cancellationToken).ConfigureAwait(false);
        return new H3Client(connection, authority);
    }

    /// <summary>
    /// Sends GET <paramref name="path"/> and reads the final response. Content goes to
    /// <paramref name="destination"/> when given. Throws <see cref="H3StreamException"/> for a stream
    /// error (local or the server's reset) and <see cref="H3ConnectionException"/> when the connection failed.
    /// </summary>
    public async Task<H3Response> GetAsync(string path, Stream? destination, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ThrowIfFailed();
        if (_connection.GoAwayReceived is { } goAway)
        {
            throw new H3StreamException(H3ErrorCode.RequestRejected, $"the server sent GOAWAY {goAway}; no new requests", isRemote: true);
        }

        IH3Stream stream = await _connection.Transport.OpenStreamAsync(bidirectional: true, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            try
            {
                return await ExchangeAsync(stream, path, destination, cancellationToken).ConfigureAwait(false);
            }
            catch (H3StreamException e) when (!e.IsRemote)
            {
                stream.AbortRead((long)e.ErrorCode);
                stream.AbortWrite((long)e.ErrorCode);
                throw;
            }
            catch (H3ConnectionException e)
            {
                await _connection.FailAsync(e).ConfigureAwait(false);
                throw;
            }
            catch (Exception e) when (stream.GetResetErrorCode(e) is long code)
            {
                throw new H3StreamException((H3ErrorCode)code, $"the server reset request stream {stream.Id}", isRemote: true);
            }
            catch (Exception e) when (e is not OperationCanceledException && _connection.Error is { } error)
            {
                throw new H3ConnectionException(error.ErrorCode, $"the connection failed: {error.Message}");
            }
        }
    }

    /// <summary>Closes the connection with H3_NO_ERROR.</summary>
    public ValueTask CloseAsync(CancellationToken cancellationToken) => _connection.CloseAsync(H3ErrorCode.NoError, cancellationToken);

    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    private async Task<H3Response> ExchangeAsync(IH3Stream stream, string path, Stream? destination, CancellationToken cancellationToken)
    {
        HttpField[] request =
        [
            new(":method", "GET"),
            new(":scheme", "https"),
            new(":authority", _authority),
            new(":path", path),
            new("user-agent", UserAgent),
        ];
        ulong? peerMax = _connection.PeerSettings.IsCompletedSuccessfully ? _connection.PeerSettings.Result.MaxFieldSectionSize : null;
        var writer = new H3MessageWriter(stream.Stream, _connection.Options);
        await writer.WriteHeadersAsync(request, peerMax, cancellationToken).ConfigureAwait(false);
        await stream.Stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        stream.CompleteWrites();

        var reader = new H3MessageReader(stream.Stream, _connection.Options, atClient: true);
        int status;
        long? declaredLength;
        List<HttpField> headers;
        do
        {
            headers = await reader.ReadHeaderSectionAsync(cancellationToken).ConfigureAwait(false)
                ?? throw new H3StreamException(H3ErrorCode.MessageError, $"request stream {stream.Id} ended before a final response");
            if (H3MessageValidator.ValidateResponse(headers, out status, out declaredLength) is { } invalid)
            {
                throw new H3StreamException(H3ErrorCode.MessageError, invalid);
            }
        }
        while (status < 200);

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] buffer = new byte[64 * 1024];
        long received = 0;
        while (true)
        {
            int read = await reader.ReadContentAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            received += read;
            if (declaredLength is { } limit && received > limit)
            {
                throw new H3StreamException(H3ErrorCode.MessageError, $"content exceeds its content-length {limit}");
            }

            hash.AppendData(buffer, 0, read);
            if (destination is not null)
            {
                await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }
        }

        // §4.1.2: content-length must equal the DATA received (no content is defined for 204 and 304).
        if (declaredLength is { } expected && expected != received && status is not (204 or 304))
        {
            throw new H3StreamException(H3ErrorCode.MessageError, $"received {received} content bytes, content-length says {expected}");
        }

        return new H3Response(stream.Id, status, headers, received, Convert.ToHexStringLower(hash.GetHashAndReset()), reader.Trailers);
    }

    private void ThrowIfFailed()
    {
        if (_connection.Error is { } error)
        {
            throw new H3ConnectionException(error.ErrorCode, $"the connection failed: {error.Message}");
        }
    }
}
