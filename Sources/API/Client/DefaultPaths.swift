import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Where the daemon keeps its state and socket when not told otherwise; shared by `iaasd` and `iaasctl`
/// so that both agree without configuration.
public enum DefaultPaths {
    /// `/var/lib/iaasd` for root, else `$XDG_DATA_HOME/iaasd` (`~/.local/share/iaasd`).
    public static func dataDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if getuid() == 0 { return "/var/lib/iaasd" }
        if let xdg = environment["XDG_DATA_HOME"], !xdg.isEmpty { return xdg + "/iaasd" }
        return (environment["HOME"] ?? "/tmp") + "/.local/share/iaasd"
    }

    /// `/var/cache/iaasd` for root, else `$XDG_CACHE_HOME/iaasd` (`~/.cache/iaasd`): what the host's
    /// daemons share, such as the KVM probe's verdict.
    public static func cacheDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if getuid() == 0 { return "/var/cache/iaasd" }
        if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty { return xdg + "/iaasd" }
        return (environment["HOME"] ?? "/tmp") + "/.cache/iaasd"
    }

    /// `$IAAS_SOCKET`, else `<default data directory>/iaasd.sock`.
    public static func socket(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let socket = environment["IAAS_SOCKET"], !socket.isEmpty { return socket }
        return dataDirectory(environment: environment) + "/iaasd.sock"
    }
}
