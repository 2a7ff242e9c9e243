namespace Mycnet.Networking.Quic.Core.Tls;

/// <summary>Extension types (RFC 9846 §4.3, the IANA list it reproduces, and RFC 9001 §8.2).</summary>
internal enum TlsExtensionType : ushort
{
    ServerName = 0,
    StatusRequest = 5,
    SupportedGroups = 10,
    SignatureAlgorithms = 13,
    UseSrtp = 14,
    Heartbeat = 15,
    ApplicationLayerProtocolNegotiation = 16,
    SignedCertificateTimestamp = 18,
    ClientCertificateType = 19,
    ServerCertificateType = 20,
    Padding = 21,
    CompressCertificate = 27,
    RecordSizeLimit = 28,
    DelegatedCredential = 34,
    SupportedEktCiphers = 39,
    PreSharedKey = 41,
    EarlyData = 42,
    SupportedVersions = 43,
    Cookie = 44,
    PskKeyExchangeModes = 45,
    CertificateAuthorities = 47,
    OidFilters = 48,
    PostHandshakeAuth = 49,
    SignatureAlgorithmsCert = 50,
    KeyShare = 51,
    TransparencyInfo = 52,
    ExternalIdHash = 55,
    ExternalSessionId = 56,
    QuicTransportParameters = 57,
    TicketRequest = 58,
    EchOuterExtensions = 64768,
    EncryptedClientHello = 65037,
}

/// <summary>The messages that carry extension blocks (the columns of RFC 9846 §4.3's table).</summary>
[Flags]
internal enum TlsExtensionMessages
{
    None = 0,
    ClientHello = 1,
    ServerHello = 2,
    EncryptedExtensions = 4,
    Certificate = 8,
    CertificateRequest = 16,
    NewSessionTicket = 32,
    HelloRetryRequest = 64,
}

/// <summary>
/// Where each recognized extension may appear (RFC 9846 §4.3): a recognized extension in a message
/// the table does not list for it is an illegal_parameter; an unrecognized one is ignored in requests
/// (ClientHello, CertificateRequest, NewSessionTicket) and refused in responses, which may only answer
/// what was requested (unsupported_extension).
/// </summary>
internal static class TlsExtensionRules
{
    private const TlsExtensionMessages CH = TlsExtensionMessages.ClientHello;
    private const TlsExtensionMessages SH = TlsExtensionMessages.ServerHello;
    private const TlsExtensionMessages EE = TlsExtensionMessages.EncryptedExtensions;
    private const TlsExtensionMessages CT = TlsExtensionMessages.Certificate;
    private const TlsExtensionMessages CR = TlsExtensionMessages.CertificateRequest;
    private const TlsExtensionMessages NST = TlsExtensionMessages.NewSessionTicket;
    private const TlsExtensionMessages HRR = TlsExtensionMessages.HelloRetryRequest;

    /// <summary>The messages a recognized extension may appear in, or <see cref="TlsExtensionMessages.None"/> when not recognized.</summary>
    public static TlsExtensionMessages AllowedIn(ushort type) => (TlsExtensionType)type switch
    {
        TlsExtensionType.ServerName => CH | EE | CR,
        TlsExtensionType.StatusRequest => CH | CR | CT,
        TlsExtensionType.SupportedGroups => CH | EE,
        TlsExtensionType.SignatureAlgorithms => CH | CR,
        TlsExtensionType.UseSrtp => CH | EE,
        TlsExtensionType.Heartbeat => CH | EE,
        TlsExtensionType.ApplicationLayerProtocolNegotiation => CH | EE,
        TlsExtensionType.SignedCertificateTimestamp => CH | CR | CT,
        TlsExtensionType.ClientCertificateType => CH | EE,
        TlsExtensionType.ServerCertificateType => CH | EE,
        TlsExtensionType.Padding => CH,
        TlsExtensionType.CompressCertificate => CH | CR,
        TlsExtensionType.RecordSizeLimit => CH | EE,
        TlsExtensionType.DelegatedCredential => CH | CR | CT,
        TlsExtensionType.SupportedEktCiphers => CH | EE,
        TlsExtensionType.PreSharedKey => CH | SH,
        TlsExtensionType.EarlyData => CH | EE | NST,
        TlsExtensionType.SupportedVersions => CH | SH | HRR,
        TlsExtensionType.Cookie => CH | HRR,
        TlsExtensionType.PskKeyExchangeModes => CH,
        TlsExtensionType.CertificateAuthorities => CH | CR,
        TlsExtensionType.OidFilters => CR,
        TlsExtensionType.PostHandshakeAuth => CH,
        TlsExtensionType.SignatureAlgorithmsCert => CH | CR,
        TlsExtensionType.KeyShare => CH | SH | HRR,
        TlsExtensionType.TransparencyInfo => CH | CR | CT,
        TlsExtensionType.ExternalIdHash => CH | EE,
        TlsExtensionType.ExternalSessionId => CH | EE,
        TlsExtensionType.QuicTransportParameters => CH | EE,
        TlsExtensionType.TicketRequest => CH | EE,
        TlsExtensionType.EchOuterExtensions => CH,
        TlsExtensionType.EncryptedClientHello => CH | HRR | EE,
        _ => TlsExtensionMessages.None,
    };

    /// <summary>A readable name for messages: the enum name when known, else the number.</summary>
    public static string Describe(ushort type) =>
        Enum.IsDefined((TlsExtensionType)type) ? ((TlsExtensionType)type).ToString() : $"extension {type}";
}
