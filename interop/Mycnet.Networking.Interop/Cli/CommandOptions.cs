using System.CommandLine;
using System.Net;
using System.Runtime.InteropServices;
using Mycnet.Networking.Interop.Transport;

namespace Mycnet.Networking.Interop.Cli;

/// <summary>Options shared by the client and server commands.</summary>
internal static class CommandOptions
{
    public static Option<InteropCipher> CreateCipherOption() =>
        new("--cipher")
        {
            Description = "Only this TLS cipher suite: Default, Aes128Gcm, Aes256Gcm or ChaCha20Poly1305.",
            DefaultValueFactory = _ => InteropCipher.Default,
        };

    public static Option<int> CreateIdleTimeoutOption() =>
        new("--idle-timeout") { Description = "QUIC idle timeout in seconds.", DefaultValueFactory = _ => 30 };

    public static Option<string?> CreateKeyLogOption() =>
        new("--keylog") { Description = "NSS key log file for Wireshark (default: $SSLKEYLOGFILE)." };

    public static Option<string?> CreateQlogOption() =>
        new("--qlog-dir") { Description = "Directory for one qlog per connection (default: $QLOGDIR)." };

    public static Option<bool> CreateVerboseOption() =>
        new("--verbose") { Description = "Log HTTP/3 events to stderr." };

    public static string? KeyLogFile(string? value) => value ?? NullIfEmpty(Environment.GetEnvironmentVariable("SSLKEYLOGFILE"));

    public static string? QlogDirectory(string? value) => value ?? NullIfEmpty(Environment.GetEnvironmentVariable("QLOGDIR"));

    /// <summary>An IP literal, or the first address a name resolves to.</summary>
    public static async Task<IPAddress> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(host.Trim('[', ']'), out IPAddress? address))
        {
            return address;
        }

        IPAddress[] addresses = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        return addresses.Length > 0 ? addresses[0] : throw new ArgumentException($"'{host}' resolves to no address.", nameof(host));
    }

    /// <summary>A token cancelled by SIGTERM or SIGINT (and by <paramref name="outer"/>).</summary>
    public static TerminationSource CancelOnTermination(CancellationToken outer) => new(outer);

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    /// <summary>Cancels on SIGTERM/SIGINT; the signal's default action (exit) is suppressed so shutdown can finish.</summary>
    internal sealed class TerminationSource : IDisposable
    {
        private readonly CancellationTokenSource _source;
        private readonly PosixSignalRegistration _term;
        private readonly PosixSignalRegistration _interrupt;

        public TerminationSource(CancellationToken outer)
        {
            _source = CancellationTokenSource.CreateLinkedTokenSource(outer);
            _term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
            _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        }

        public CancellationToken Token => _source.Token;

        public void Dispose()
        {
            _term.Dispose();
            _interrupt.Dispose();
            _source.Dispose();
        }

        private void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            _source.Cancel();
        }
    }
}
