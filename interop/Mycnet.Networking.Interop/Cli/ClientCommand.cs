using System.CommandLine;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Mycnet.Networking.Interop.Http3;
using Mycnet.Networking.Interop.Transport;

namespace Mycnet.Networking.Interop.Cli;

/// <summary>
/// <c>client --host H --port P --ca FILE [options] PATH...</c>: GETs every path over HTTP/3 (see
/// <see cref="InteropClientRunner"/>). The server certificate is validated against the CA file.
/// </summary>
internal static class ClientCommand
{
    public static Command Create(IInteropQuic quic)
    {
        var host = new Option<string>("--host") { Description = "Server address (IP literal or name).", Required = true };
        var port = new Option<int>("--port") { Description = "Server UDP port.", Required = true };
        var serverName = new Option<string?>("--server-name") { Description = "Name the certificate must match (SNI); default: --host." };
        var ca = new Option<FileInfo>("--ca") { Description = "PEM file with the CA to trust for the server certificate.", Required = true };
        var cipher = CommandOptions.CreateCipherOption();
        var keyUpdate = new Option<bool>("--key-update") { Description = "Initiate a QUIC key update right after the handshake." };
        var download = new Option<DirectoryInfo?>("--download") { Description = "Save each response under its last path segment in this directory." };
        var connections = new Option<int>("--connections") { Description = "Sequential connections, each fetching every path.", DefaultValueFactory = _ => 1 };
        var concurrency = new Option<int>("--concurrency") { Description = "Requests in flight at once per connection.", DefaultValueFactory = _ => 256 };
        var timeout = new Option<int>("--timeout") { Description = "Seconds allowed per connection.", DefaultValueFactory = _ => 120 };
        var idle = CommandOptions.CreateIdleTimeoutOption();
        var keyLog = CommandOptions.CreateKeyLogOption();
        var qlog = CommandOptions.CreateQlogOption();
        var verbose = CommandOptions.CreateVerboseOption();
        var paths = new Argument<string[]>("paths") { Description = "Request paths (/file) or https URLs.", Arity = ArgumentArity.OneOrMore };
        var command = new Command("client", "GET paths over HTTP/3 and print the SHA-256 of each response.")
        {
            host, port, serverName, ca, cipher, keyUpdate, download, connections, concurrency, timeout, idle, keyLog, qlog, verbose, paths,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            string hostName = parse.GetValue(host)!;
            IPAddress address = await CommandOptions.ResolveAsync(hostName, cancellationToken).ConfigureAwait(false);
            var roots = new X509Certificate2Collection();
            roots.ImportFromPemFile(parse.GetValue(ca)!.FullName);
            if (roots.Count == 0)
            {
                await Console.Error.WriteLineAsync($"{parse.GetValue(ca)!.FullName} holds no certificate").ConfigureAwait(false);
                return 2;
            }

            var options = new InteropClientOptions
            {
                Quic = new InteropClientSettings(
                    new IPEndPoint(address, parse.GetValue(port)),
                    parse.GetValue(serverName) ?? hostName,
                    roots,
                    parse.GetValue(cipher),
                    TimeSpan.FromSeconds(parse.GetValue(idle)),
                    CommandOptions.KeyLogFile(parse.GetValue(keyLog)),
                    CommandOptions.QlogDirectory(parse.GetValue(qlog))),
                Paths = [.. parse.GetValue(paths)!.Select(ToPath)],
                Connections = Math.Clamp(parse.GetValue(connections), 1, 10_000),
                Concurrency = Math.Clamp(parse.GetValue(concurrency), 1, 10_000),
                KeyUpdate = parse.GetValue(keyUpdate),
                DownloadDirectory = parse.GetValue(download)?.FullName,
                ConnectionTimeout = TimeSpan.FromSeconds(Math.Clamp(parse.GetValue(timeout), 1, 3600)),
                Http3 = new H3Options { Log = parse.GetValue(verbose) ? Console.Error : null },
            };
            using var stop = CommandOptions.CancelOnTermination(cancellationToken);
            return await InteropClientRunner.RunAsync(quic, options, Console.Out, stop.Token).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>A path argument, or the path and query of an https URL.</summary>
    internal static string ToPath(string argument) =>
        Uri.TryCreate(argument, UriKind.Absolute, out Uri? uri) && uri.Scheme is "https" or "http" ? uri.PathAndQuery : argument;
}
