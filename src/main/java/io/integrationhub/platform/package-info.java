/**
 * The platform every capability stands on: database and Kafka location, route files, the /api chain and its web
 * pieces (platform.web), metrics, simulators. An open module: capabilities may use any of its packages, and it uses
 * none of theirs (ModularityTests).
 */
@ApplicationModule(type = ApplicationModule.Type.OPEN)
package io.integrationhub.platform;

import org.springframework.modulith.ApplicationModule;
