namespace Mycnet.Networking.Quic.Core.Wire;

/// <summary>
/// A transport parameter this engine carries without interpreting: an extension parameter to send
/// (e.g. a grease parameter, or an extension not yet modelled) or an unknown one received.
/// </summary>
/// <param name="Id">The parameter identifier.</param>
/// <param name="Value">The raw value bytes (owned by this record; compared by reference).</param>
internal sealed record TransportParameter(ulong Id, byte[] Value);
