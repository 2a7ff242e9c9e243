using System.Globalization;
using System.Net;
using Mycnet.Networking.Interop.Http3;
using Mycnet.Networking.Interop.Transport;

namespace Mycnet.Networking.Interop.Cli;

/// <summary>What the client command was asked to do.</summary>
internal sealed record InteropClientOptions
{
    public required InteropClientSettings Quic { get; init; }

    /// <summary>Request paths (":path" values), all sent on every connection.</summary>
    public required IReadOnlyList<string> Paths { get; init; }

    /// <summary>Sequential connections to make (handshakeloss makes 20).</summary>
    public int Connections { get; init; } = 1;

    /// <summary>Requests in flight at once per connection.</summary>
    public int Concurrency { get; init; } = 256;

    /// <summary>Initiate a key update right after the handshake, before the requests.</summary>
    public bool KeyUpdate { get; init; }

    /// <summary>Directory to save content into (file name = last path segment); null discards it.</summary>
    public string? DownloadDirectory { get; init; }

    /// <summary>Limit for one connection: handshake, requests and close.</summary>
    public TimeSpan ConnectionTimeout { get; init; } = TimeSpan.FromSeconds(120);

    public H3Options Http3 { get; init; } = new();
}

/// <summary>
/// The interop client: for each connection, connect, optionally update keys, GET every path
/// concurrently (hashing each response and saving it when asked), close with H3_NO_ERROR. Prints
/// one line per response: <c>sha256 bytes status path</c>, then one line per connection. Returns 0
/// when every response was a 200 whose content arrived complete.
/// </summary>
internal static class InteropClientRunner
{
    public static async Task<int> RunAsync(IInteropQuic quic, InteropClientOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(quic);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        if (options.DownloadDirectory is { } directory)
        {
            Directory.CreateDirectory(directory);
        }

        int failures = 0;
        for (int i = 1; i <= options.Connections; i++)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.ConnectionTimeout);
            try
            {
                failures += await RunConnectionAsync(quic, options, i, output, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                Write(output, $"connection {i}: FAILED: no result within {options.ConnectionTimeout.TotalSeconds:0}s");
                failures++;
            }
            catch (Exception e) when (e is IOException or H3ConnectionException or H3StreamException or InvalidOperationException or System.Security.Authentication.AuthenticationException)
            {
                Write(output, $"connection {i}: FAILED: {e.GetType().Name}: {e.Message}");
                failures++;
            }
        }

        Write(output, failures == 0 ? "result: OK" : $"result: FAILED ({failures} failures)");
        return failures == 0 ? 0 : 1;
    }

    private static async Task<int> RunConnectionAsync(IInteropQuic quic, InteropClientOptions options, int index, TextWriter output, CancellationToken cancellationToken)
    {
        IInteropConnection connection = await quic.ConnectAsync(options.Quic, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            Write(output, $"connection {index}: {connection.Description}");
            string authority = Authority(options.Quic.ServerName, options.Quic.Remote.Port);
            H3Client client = await H3Client.StartAsync(connection, authority, options.Http3, cancellationToken).ConfigureAwait(false);
            await using (client.ConfigureAwait(false))
            {
                if (options.KeyUpdate)
                {
                    await connection.UpdateKeysAsync(cancellationToken).ConfigureAwait(false);
                    Write(output, $"connection {index}: key update initiated");
                }

                using var gate = new SemaphoreSlim(options.Concurrency);
                Task<bool>[] requests = new Task<bool>[options.Paths.Count];
                for (int r = 0; r < requests.Length; r++)
                {
                    requests[r] = GetAsync(client, options, options.Paths[r], gate, output, cancellationToken);
                }

                bool[] results = await Task.WhenAll(requests).ConfigureAwait(false);
                int failed = results.Count(ok => !ok);
                await client.CloseAsync(cancellationToken).ConfigureAwait(false);
                Write(output, $"connection {index}: {results.Length - failed}/{results.Length} responses OK; {connection.Statistics}");
                return failed;
            }
        }
    }

    private static async Task<bool> GetAsync(H3Client client, InteropClientOptions options, string path, SemaphoreSlim gate, TextWriter output, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            FileStream? file = options.DownloadDirectory is { } directory ? CreateDownloadFile(directory, path) : null;
            try
            {
                H3Response response = await client.GetAsync(path, file, cancellationToken).ConfigureAwait(false);
                Write(output, $"{response.ContentSha256} {response.ContentLength.ToString(CultureInfo.InvariantCulture)} {response.Status.ToString(CultureInfo.InvariantCulture)} {path}");
                return response.Status == 200;
            }
            finally
            {
                if (file is not null)
                {
                    await file.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
        catch (Exception e) when (e is H3StreamException or H3ConnectionException or IOException)
        {
            Write(output, $"FAILED {path}: {e.Message}");
            return false;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>The file a path downloads to: its last segment (query removed), like ngtcp2's client does.</summary>
    internal static string GetDownloadName(string path)
    {
        int query = path.IndexOf('?', StringComparison.Ordinal);
        string clean = query >= 0 ? path[..query] : path;
        string name = clean[(clean.LastIndexOf('/') + 1)..];
        return name.Length == 0 || name is "." or ".." ? "index.html" : name;
    }

    private static FileStream CreateDownloadFile(string directory, string path) =>
        new(Path.Combine(directory, GetDownloadName(path)), new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            Options = FileOptions.Asynchronous,
            BufferSize = 0,
        });

    internal static string Authority(string host, int port)
    {
        string name = IPAddress.TryParse(host, out IPAddress? address) && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{host}]" : host;
        return $"{name}:{port.ToString(CultureInfo.InvariantCulture)}";
    }

    private static void Write(TextWriter output, string line)
    {
        lock (output)
        {
            output.WriteLine(line);
            output.Flush();
        }
    }
}
