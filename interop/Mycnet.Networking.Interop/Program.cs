using System.CommandLine;
using Mycnet.Networking.Interop.Cli;
using Mycnet.Networking.Interop.Transport;

// The interop peer run by interop/run.sh (see interop/README.md).
var quic = new QuicApiInterop();
var root = new RootCommand("Mycnet.Networking interop peer: HTTP/3 client and server for ngtcp2 interop runs.");
root.Add(CertsCommand.Create());
root.Add(ClientCommand.Create(quic));
root.Add(ServerCommand.Create(quic));
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
