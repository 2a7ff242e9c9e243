using System.CommandLine;

namespace Mycnet.Networking.Interop.Cli;

/// <summary><c>certs --out DIR</c>: writes the test CA and server certificate (see <see cref="CertificateGenerator"/>).</summary>
internal static class CertsCommand
{
    public static Command Create()
    {
        var output = new Option<DirectoryInfo>("--out") { Description = "Directory for ca.pem, server.pem, server-chain.pem and server.key.", Required = true };
        var command = new Command("certs", "Write a test CA and a server certificate for localhost, 127.0.0.1 and ::1 (PEM).") { output };
        command.SetAction(parse =>
        {
            DirectoryInfo directory = parse.GetValue(output)!;
            CertificateGenerator.Write(directory.FullName, TimeProvider.System);
            Console.WriteLine($"wrote {CertificateGenerator.CaFile}, {CertificateGenerator.CertificateFile}, {CertificateGenerator.ChainFile}, {CertificateGenerator.KeyFile} to {directory.FullName}");
            return 0;
        });
        return command;
    }
}
