package io.integrationhub.platform.database;

import com.zaxxer.hikari.HikariDataSource;
import io.integrationhub.platform.HubProperties;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The one DataSource of the hub (Flyway, Quartz, camel-sql and health all use it), on the located database. */
@Configuration(proxyBeanMethods = false)
class DatabaseConfiguration {

    @Bean(destroyMethod = "close")
    HubDatabase hubDatabase(HubProperties properties) {
        return HubDatabase.locate(properties.db(), properties.dataDir());
    }

    @Bean
    @ConfigurationProperties("spring.datasource.hikari")
    HikariDataSource dataSource(HubDatabase database) {
        HikariDataSource dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(database.jdbcUrl());
        dataSource.setUsername(database.username());
        dataSource.setPassword(database.password());
        return dataSource;
    }
}
