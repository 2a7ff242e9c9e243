using System.Text.Json.Serialization;

namespace Mycnet.Networking.Perf.Quic;

/// <summary>The line <c>serve</c> prints on stdout once it listens: the address and the root certificate to trust (DER, base64).</summary>
internal sealed record ServeReadyLine(
    [property: JsonPropertyName("endpoint")] string EndPoint,
    [property: JsonPropertyName("root")] string Root)
{
    public const string Prefix = "ready ";
}
