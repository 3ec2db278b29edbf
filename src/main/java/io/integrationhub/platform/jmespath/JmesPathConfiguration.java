package io.integrationhub.platform.jmespath;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Registers the {@code jmespath} language: Camel finds a language in the registry by its name. */
@Configuration(proxyBeanMethods = false)
class JmesPathConfiguration {

    @Bean("jmespath")
    JmesPathLanguage jmespath(ObjectMapper json) {
        return new JmesPathLanguage(json);
    }
}
