using System.CommandLine;
using Mycnet.Networking.Perf.Quic;

namespace Mycnet.Networking.Perf.Scenarios;

/// <summary>certs: writes a throwaway server key and certificate (PEM) for other QUIC servers, such as ngtcp2's gtlsserver in bench/compare-ngtcp2.sh.</summary>
internal sealed class CertsScenario : IPerfScenario
{
    public string Name => "certs";

    public Command CreateCommand()
    {
        var output = new Option<string>("--out") { Description = "Directory for key.pem, cert.pem (the server certificate), root.pem and chain.pem (server certificate, then root).", Required = true };
        var command = new Command(Name, "Write a throwaway ECDSA P-256 server key and certificate for localhost/127.0.0.1/::1 as PEM files.") { output };
        command.SetAction(parse =>
        {
            string directory = parse.GetValue(output)!;
            using var certificates = new PerfCertificates();
            certificates.WritePem(directory);
            PerfScenarios.Progress($"certs: wrote key.pem, cert.pem, root.pem and chain.pem to {Path.GetFullPath(directory)}");
            PerfScenarios.WriteResult(new { scenario = Name, directory = Path.GetFullPath(directory) });
            return 0;
        });
        return command;
    }
}
