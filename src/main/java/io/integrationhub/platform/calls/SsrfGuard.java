package io.integrationhub.platform.calls;

import io.integrationhub.platform.web.InvalidRequestException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.camel.component.http.HttpComponent;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.util.Timeout;
import org.springframework.security.web.util.matcher.IpAddressMatcher;

/**
 * The SSRF guard of the URLs the hub calls on a tenant's behalf (webhook endpoints, integration plans). At creation the host is resolved and every address checked (400 naming the reason);
 * at delivery the HTTP client resolves through {@link #resolver()}, which refuses a disallowed address, so the check
 * is on the address actually connected to (a DNS answer that changed since creation is caught). Refused: loopback,
 * private (10/8, 172.16/12, 192.168/16), link-local (169.254/16 with the cloud metadata address, fe80::/10), CGNAT
 * (100.64/10), unique-local (fc00::/7), unspecified, multicast, 0/8, 192.0.0/24, benchmarking (198.18/15), reserved
 * (240/4, broadcast), and IPv6 forms that reach IPv4 (mapped, NAT64 64:ff9b::/96, 6to4 2002::/16), unless inside
 * the allowed CIDRs setting of the capability ({@code hub.webhooks.allowed-cidrs}, {@code hub.plans.allowed-cidrs}).
 */
public class SsrfGuard {

    private static final List<IpAddressMatcher> REFUSED = List.of(
            new IpAddressMatcher("0.0.0.0/8"), new IpAddressMatcher("100.64.0.0/10"),
            new IpAddressMatcher("fc00::/7"), new IpAddressMatcher("198.18.0.0/15"), new IpAddressMatcher("192.0.0.0/24"),
            new IpAddressMatcher("240.0.0.0/4"), new IpAddressMatcher("64:ff9b::/96"), new IpAddressMatcher("2002::/16"));

    private final List<IpAddressMatcher> allowed;
    private final boolean requireHttps;
    private final String requireHttpsSetting;

    /**
     * @param allowedCidrsSetting the setting and variable of {@code allowedCidrs}, named when one is malformed
     * @param requireHttpsSetting the setting named when an http:// URL is refused
     */
    public SsrfGuard(List<String> allowedCidrs, String allowedCidrsSetting, boolean requireHttps,
            String requireHttpsSetting) {
        List<IpAddressMatcher> matchers = new ArrayList<>();
        for (String cidr : allowedCidrs) {
            if (cidr == null || cidr.isBlank()) {
                continue;
            }
            try {
                matchers.add(new IpAddressMatcher(cidr.strip()));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(allowedCidrsSetting + ": '" + cidr
                        + "' is not an address or CIDR block", e);
            }
        }
        this.allowed = matchers;
        this.requireHttps = requireHttps;
        this.requireHttpsSetting = requireHttpsSetting;
    }

    /** The checked URL of a new or changed endpoint; 400 naming field {@code url} and the reason. */
    public URI checkUrl(String url) {
        return checkUrl(url, "url");
    }

    /** The checked URL; 400 naming {@code field} and the reason. */
    public URI checkUrl(String url, String field) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (Exception e) {
            throw new InvalidRequestException(field + ": not a valid URL: " + url);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
        if (!scheme.equals("https") && !scheme.equals("http") || uri.getHost() == null) {
            throw new InvalidRequestException(field + ": must be an absolute http(s) URL, got '" + url + "'");
        }
        if (requireHttps && !scheme.equals("https")) {
            throw new InvalidRequestException(field + ": must use https (" + requireHttpsSetting + ")");
        }
        if (uri.getUserInfo() != null) {
            throw new InvalidRequestException(field + ": must not carry credentials");
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(uri.getHost());
        } catch (UnknownHostException e) {
            throw new InvalidRequestException(field + ": host '" + uri.getHost() + "' does not resolve");
        }
        for (InetAddress address : addresses) {
            String refusal = refusal(address);
            if (refusal != null) {
                throw new InvalidRequestException(field + ": refused, " + uri.getHost() + " resolves to " + refusal);
            }
        }
        return uri;
    }

    /** Why the hub must not connect to this address, or null when it may. */
    public String refusal(InetAddress address) {
        String ip = address.getHostAddress();
        for (IpAddressMatcher matcher : allowed) {
            if (matcher.matches(ip)) {
                return null;
            }
        }
        String kind = address.isLoopbackAddress() ? "a loopback address"
                : address.isAnyLocalAddress() ? "the unspecified address"
                : address.isLinkLocalAddress() ? (ip.equals("169.254.169.254") ? "the cloud metadata address"
                        : "a link-local address")
                : address.isSiteLocalAddress() ? "a private address"
                : address.isMulticastAddress() ? "a multicast address"
                : REFUSED.stream().anyMatch(m -> m.matches(ip)) ? (!(address instanceof Inet6Address)
                        ? "a reserved or CGNAT address" : ip.startsWith("f") ? "a unique-local address"
                        : "an IPv6 form of an IPv4 address (NAT64 or 6to4)")
                : null;
        if (kind == null && address instanceof Inet6Address v6 && isMappedV4(v6)) {
            try {
                return refusal(Inet4Address.getByAddress(Arrays.copyOfRange(v6.getAddress(), 12, 16)));
            } catch (UnknownHostException impossible) {
                return "an IPv4-mapped address";
            }
        }
        return kind == null ? null : ip + " (" + kind + ")";
    }

    private static boolean isMappedV4(Inet6Address address) {
        byte[] bytes = address.getAddress();
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
    }

    /**
     * A camel-http component for calls on a tenant's behalf: it connects only to addresses this guard allows
     * (resolved through {@link #resolver()}, so the check is on the address connected to), with {@code timeout} for
     * connect, the pool and the answer, and it neither follows redirects nor retries (the caller's policy does).
     */
    public HttpComponent httpComponent(Duration timeout, int maxConnections, int maxPerRoute) {
        Timeout t = Timeout.of(timeout);
        HttpComponent http = new HttpComponent();
        http.setClientConnectionManager(PoolingHttpClientConnectionManagerBuilder.create().setDnsResolver(resolver())
                .setMaxConnTotal(maxConnections).setMaxConnPerRoute(maxPerRoute)
                .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(t).setSocketTimeout(t).build())
                .build());
        http.setConnectTimeout(timeout.toMillis());
        http.setConnectionRequestTimeout(timeout.toMillis());
        http.setResponseTimeout(timeout.toMillis());
        http.setSoTimeout(timeout.toMillis());
        http.setHttpClientConfigurer(builder -> builder.disableRedirectHandling().disableAutomaticRetries());
        return http;
    }

    /** The delivery client's DNS: the system's, with every refused address left out (none left: the host is refused). */
    public DnsResolver resolver() {
        return new DnsResolver() {
            @Override
            public InetAddress[] resolve(String host) throws UnknownHostException {
                InetAddress[] all = SystemDefaultDnsResolver.INSTANCE.resolve(host);
                List<String> refusals = new ArrayList<>();
                List<InetAddress> permitted = new ArrayList<>();
                for (InetAddress address : all) {
                    String refusal = refusal(address);
                    if (refusal == null) {
                        permitted.add(address);
                    } else {
                        refusals.add(refusal);
                    }
                }
                if (permitted.isEmpty()) {
                    throw new SsrfRefusedException(host, refusals);
                }
                return permitted.toArray(InetAddress[]::new);
            }

            @Override
            public String resolveCanonicalHostname(String host) throws UnknownHostException {
                return SystemDefaultDnsResolver.INSTANCE.resolveCanonicalHostname(host);
            }
        };
    }

    /** A delivery the guard stopped: the attempt fails with this message. */
    public static class SsrfRefusedException extends UnknownHostException {
        SsrfRefusedException(String host, List<String> refusals) {
            super("refused by the SSRF guard: " + host + " resolves to " + String.join(", ", refusals));
        }
    }
}
