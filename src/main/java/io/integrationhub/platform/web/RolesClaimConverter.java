package io.integrationhub.platform.web;

import java.util.List;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/** The token's {@code roles} claim becomes ROLE_ authorities; capabilities are looked up per role and user. */
class RolesClaimConverter implements Converter<Jwt, AbstractAuthenticationToken> {

    @Override
    public AbstractAuthenticationToken convert(Jwt jwt) {
        List<String> roles = jwt.getClaimAsStringList("roles");
        return new JwtAuthenticationToken(jwt, roles == null ? List.of()
                : roles.stream().map(r -> new SimpleGrantedAuthority("ROLE_" + r)).toList(), jwt.getSubject());
    }
}
