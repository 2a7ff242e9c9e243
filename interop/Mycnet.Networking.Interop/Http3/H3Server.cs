using System.Globalization;
using Mycnet.Networking.Interop.Transport;

namespace Mycnet.Networking.Interop.Http3;

/// <summary>
/// The server side of HTTP/3 for the interop runner: GET (and HEAD) of files and generated content
/// from an <see cref="H3ContentSource"/>; 404 for anything else, 405 for other methods.
/// </summary>
/// <remarks>
/// Per request (RFC 9114 §4.1): read the header section (a stream that ends first is
/// H3_REQUEST_INCOMPLETE), validate it (H3_MESSAGE_ERROR), read the rest of the request to its FIN
/// (content is discarded, at most <see cref="H3Options.MaxRequestContentLength"/>), then send HEADERS,
/// the content as DATA frames, and FIN. On shutdown a connection gets a GOAWAY (§5.2), its accepted
/// requests may finish for a grace period, then it closes with H3_NO_ERROR.
/// </remarks>
internal sealed class H3Server
{
    private readonly H3ContentSource _content;
    private readonly H3Options _options;
    private long _requests;

    public H3Server(H3ContentSource content, H3Options options)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _content = content;
        _options = options;
    }

    /// <summary>Requests whose complete response (up to FIN) was written, on all connections.</summary>
    public long RequestsServed => Interlocked.Read(ref _requests);

    /// <summary>
    /// Serves one connection until the client closes it, or, once <paramref name="shutdown"/> is
    /// cancelled, shuts it down gracefully (GOAWAY, up to <paramref name="grace"/> for open requests).
    /// Returns the connection error this server detected, if any.
    /// </summary>
    public async Task<H3ConnectionException?> ServeAsync(IH3Transport transport, TimeSpan grace, CancellationToken shutdown)
    {
        H3Connection connection = await H3Connection.StartAsync(transport, _options, HandleRequestAsync, shutdown).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            try
            {
                await connection.Closed.WaitAsync(shutdown).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
            {
                await ShutDownAsync(connection, grace).ConfigureAwait(false);
            }

            return connection.Error;
        }
    }

    private static async Task ShutDownAsync(H3Connection connection, TimeSpan grace)
    {
        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await connection.SendGoAwayAsync(timeout.Token).ConfigureAwait(false);
            await connection.WaitForRequestsAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            connection.Log("grace period over; closing with requests still open");
        }
        catch (IOException e)
        {
            connection.Log($"graceful shutdown failed: {e.Message}");
        }

        await connection.CloseAsync(H3ErrorCode.NoError, CancellationToken.None).ConfigureAwait(false);
    }

    private async Task HandleRequestAsync(H3Connection connection, IH3Stream stream, CancellationToken cancellationToken)
    {
        var reader = new H3MessageReader(stream.Stream, _options, atClient: false);
        List<HttpField> fields = await reader.ReadHeaderSectionAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new H3StreamException(H3ErrorCode.RequestIncomplete, "the request stream ended before its HEADERS");
        if (H3MessageValidator.ValidateRequest(fields, out H3Request request) is { } invalid)
        {
            throw new H3StreamException(H3ErrorCode.MessageError, invalid);
        }

        await DiscardRequestContentAsync(reader, fields, cancellationToken).ConfigureAwait(false);

        var writer = new H3MessageWriter(stream.Stream, _options);
        ulong? peerMax = connection.PeerSettings.IsCompletedSuccessfully ? connection.PeerSettings.Result.MaxFieldSectionSize : null;
        if (request.Method is not ("GET" or "HEAD"))
        {
            await WriteSmallResponseAsync(writer, 405, "method not allowed\n", peerMax, new HttpField("allow", "GET, HEAD"), cancellationToken).ConfigureAwait(false);
        }
        else if (_content.TryOpen(request.Path, out Stream? opened, out long length) && opened is { } content)
        {
            await using (content.ConfigureAwait(false))
            {
                HttpField[] headers =
                [
                    new(":status", "200"),
                    new("content-length", length.ToString(CultureInfo.InvariantCulture)),
                    new("content-type", "application/octet-stream"),
                    new("server", "mycnet-interop"),
                ];
                await writer.WriteHeadersAsync(headers, peerMax, cancellationToken).ConfigureAwait(false);
                if (string.Equals(request.Method, "GET", StringComparison.Ordinal))
                {
                    await writer.WriteContentAsync(content, length, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        else
        {
            await WriteSmallResponseAsync(writer, 404, "not found\n", peerMax, extra: null, cancellationToken).ConfigureAwait(false);
        }

        await stream.Stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        stream.CompleteWrites();
        Interlocked.Increment(ref _requests);
        connection.Log($"stream {stream.Id}: {request.Method} {request.Path}");

        // Keep the request open until the client has everything, so a graceful shutdown that waits
        // for requests never closes the connection under a response still in flight. (Bounded by the
        // connection: WritesClosed faults when it closes.)
        await stream.WritesClosed.ConfigureAwait(false);
    }

    private async Task DiscardRequestContentAsync(H3MessageReader reader, List<HttpField> fields, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[16 * 1024];
        long received = 0;
        while (true)
        {
            int read = await reader.ReadContentAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            received += read;
            if (received > _options.MaxRequestContentLength)
            {
                throw new H3StreamException(H3ErrorCode.ExcessiveLoad, $"request content exceeds {_options.MaxRequestContentLength} bytes");
            }
        }

        foreach (HttpField field in fields)
        {
            // §4.1.2: a content-length that differs from the DATA received makes the request malformed.
            if (string.Equals(field.Name, "content-length", StringComparison.Ordinal) && H3MessageValidator.ParseContentLength(field.Value) != received)
            {
                throw new H3StreamException(H3ErrorCode.MessageError, $"request content-length '{field.Value}' but {received} bytes arrived");
            }
        }
    }

    private static async Task WriteSmallResponseAsync(H3MessageWriter writer, int status, string body, ulong? peerMax, HttpField? extra, CancellationToken cancellationToken)
    {
        byte[] bytes = System.Text.Encoding.ASCII.GetBytes(body);
        var headers = new List<HttpField>
        {
            new(":status", status.ToString(CultureInfo.InvariantCulture)),
            new("content-length", bytes.Length.ToString(CultureInfo.InvariantCulture)),
            new("content-type", "text/plain"),
        };
        if (extra is { } field)
        {
            headers.Add(field);
        }

        await writer.WriteHeadersAsync(headers, peerMax, cancellationToken).ConfigureAwait(false);
        await writer.WriteContentAsync(bytes, cancellationToken).ConfigureAwait(false);
    }
}
