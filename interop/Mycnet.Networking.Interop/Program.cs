using System.CommandLine;
using Mycnet.Networking.Interop.Cli;

// The interop peer run by interop/run.sh (see interop/README.md).
var root = new RootCommand("Mycnet.Networking interop peer: HTTP/3 client and server for ngtcp2 interop runs.");
root.Add(CertsCommand.Create());
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
