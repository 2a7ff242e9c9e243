using System.CommandLine;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Mycnet.Networking.Interop.Http3;
using Mycnet.Networking.Interop.Transport;

namespace Mycnet.Networking.Interop.Cli;

/// <summary>
/// <c>server --port P --cert FILE --key FILE [--root DIR] [options]</c>: serves files from the root and
/// generated content /bytes/N over HTTP/3 until SIGTERM or SIGINT (see <see cref="InteropServerRunner"/>).
/// </summary>
internal static class ServerCommand
{
    public static Command Create(IInteropQuic quic)
    {
        var listen = new Option<string>("--listen") { Description = "Address to listen on.", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int>("--port") { Description = "UDP port.", Required = true };
        var certificate = new Option<FileInfo>("--cert") { Description = "PEM certificate (chain) file.", Required = true };
        var key = new Option<FileInfo>("--key") { Description = "PEM private key file.", Required = true };
        var root = new Option<DirectoryInfo?>("--root") { Description = "Directory whose files are served." };
        var retry = new Option<bool>("--retry") { Description = "Validate every client address with a Retry (RFC 9000 §8.1.2)." };
        var maxGenerated = new Option<long>("--max-generated") { Description = "Largest /bytes/N served.", DefaultValueFactory = _ => 1L << 30 };
        var cipher = CommandOptions.CreateCipherOption();
        var idle = CommandOptions.CreateIdleTimeoutOption();
        var keyLog = CommandOptions.CreateKeyLogOption();
        var qlog = CommandOptions.CreateQlogOption();
        var verbose = CommandOptions.CreateVerboseOption();
        var command = new Command("server", "Serve files and /bytes/N over HTTP/3.")
        {
            listen, port, certificate, key, root, retry, maxGenerated, cipher, idle, keyLog, qlog, verbose,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            IPAddress address = await CommandOptions.ResolveAsync(parse.GetValue(listen)!, cancellationToken).ConfigureAwait(false);
            using X509Certificate2 loaded = X509Certificate2.CreateFromPemFile(parse.GetValue(certificate)!.FullName, parse.GetValue(key)!.FullName);
            var options = new InteropServerOptions
            {
                Quic = new InteropServerSettings(
                    new IPEndPoint(address, parse.GetValue(port)),
                    loaded,
                    parse.GetValue(retry),
                    parse.GetValue(cipher),
                    TimeSpan.FromSeconds(parse.GetValue(idle)),
                    CommandOptions.KeyLogFile(parse.GetValue(keyLog)),
                    CommandOptions.QlogDirectory(parse.GetValue(qlog))),
                Content = new H3ContentSource(parse.GetValue(root)?.FullName, Math.Max(0, parse.GetValue(maxGenerated))),
                Http3 = new H3Options { Log = parse.GetValue(verbose) ? Console.Error : null },
            };
            using var stop = CommandOptions.CancelOnTermination(cancellationToken);
            return await InteropServerRunner.RunAsync(quic, options, Console.Out, stop.Token).ConfigureAwait(false);
        });
        return command;
    }
}
