package io.cxone.kafka.source.export;

import static io.cxone.kafka.source.export.ExportSourceConfig.ACCESS_KEY_ID;
import static io.cxone.kafka.source.export.ExportSourceConfig.ACCESS_KEY_SECRET;
import static io.cxone.kafka.source.export.ExportSourceConfig.ALLOW_INSECURE_HTTP;
import static io.cxone.kafka.source.export.ExportSourceConfig.API_FLAVOUR;
import static io.cxone.kafka.source.export.ExportSourceConfig.BASE_URL;
import static io.cxone.kafka.source.export.ExportSourceConfig.CLIENT_ID;
import static io.cxone.kafka.source.export.ExportSourceConfig.CLIENT_SECRET;
import static io.cxone.kafka.source.export.ExportSourceConfig.ISSUER_URL;
import static io.cxone.kafka.source.export.ExportSourceConfig.VALIDATE_CREDENTIALS;

import io.cxone.kafka.common.config.ConfigEnums;
import io.cxone.kafka.common.config.Validators;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

/**
 * Settings of the connection to CXone: which API, its URLs, the credentials, and whether they may travel over
 * plain http or be checked while validating.
 */
final class ConnectionSettings {

    private static final String GROUP = "CXone connection";

    private static final String CREDENTIAL_SETTINGS = CLIENT_ID + "/" + CLIENT_SECRET + " (records) or " + ACCESS_KEY_ID
            + "/" + ACCESS_KEY_SECRET + " (data-extraction)";

    private ConnectionSettings() {}

    static void define(ConfigDef def) {
        int order = 0;
        def.define(
                API_FLAVOUR,
                Type.STRING,
                ApiFlavour.RECORDS.configName(),
                ConfigEnums.validator(ApiFlavour.class),
                Importance.HIGH,
                "Which CXone API to export from: 'records' (export trigger + limit/offset pages of JSON) or "
                        + "'data-extraction' (real CXone: OIDC password grant, tenant discovery, Data Extraction jobs with CSV files).",
                GROUP,
                ++order,
                Width.SHORT,
                "CXone API",
                ConfigEnums.recommender(ApiFlavour.class));
        def.define(
                BASE_URL,
                Type.STRING,
                ConfigDef.NO_DEFAULT_VALUE,
                Validators.httpUrl(false, CREDENTIAL_SETTINGS),
                Importance.HIGH,
                "Base URL of the CXone API (records) or of the OIDC issuer when " + ISSUER_URL
                        + " is empty (data-extraction). "
                        + "Credentials never go in the URL (user:pass@ is refused): set " + CREDENTIAL_SETTINGS + ".",
                GROUP,
                ++order,
                Width.LONG,
                "Base URL");
        def.define(
                ISSUER_URL,
                Type.STRING,
                "",
                Validators.httpUrl(true, CREDENTIAL_SETTINGS),
                Importance.MEDIUM,
                "OIDC issuer for data-extraction (e.g. https://cxone.niceincontact.com); its /.well-known/openid-configuration "
                        + "gives the token endpoint, /.well-known/cxone-configuration the tenant's API endpoint. Empty: "
                        + BASE_URL + ".",
                GROUP,
                ++order,
                Width.LONG,
                "OIDC issuer");
        def.define(
                CLIENT_ID,
                Type.STRING,
                "",
                Importance.HIGH,
                "OAuth client id.",
                GROUP,
                ++order,
                Width.MEDIUM,
                "Client id");
        def.define(
                CLIENT_SECRET,
                Type.PASSWORD,
                "",
                Importance.HIGH,
                "OAuth client secret.",
                GROUP,
                ++order,
                Width.MEDIUM,
                "Client secret");
        def.define(
                VALIDATE_CREDENTIALS,
                Type.BOOLEAN,
                false,
                Importance.LOW,
                "Whether validating the configuration (PUT /connector-plugins/.../config/validate, and every deployment) also "
                        + "fetches a token from CXone with these credentials and reports a refusal on the secret's field. Off by "
                        + "default, so validation needs no network access.",
                GROUP,
                ++order,
                Width.SHORT,
                "Check credentials");
        def.define(
                ALLOW_INSECURE_HTTP,
                Type.BOOLEAN,
                false,
                Importance.LOW,
                "Whether the client secret or access key secret may be sent over plain http:// to a host other than this "
                        + "machine (" + BASE_URL + " for records; " + ISSUER_URL + ", or " + BASE_URL
                        + " when it is empty, and the token "
                        + "endpoint it names, for data-extraction). Off: such a URL is refused; loopback addresses (a local simulator) "
                        + "are always allowed. On: one WARN at start.",
                GROUP,
                ++order,
                Width.SHORT,
                "Allow secrets over plain http");
        def.define(
                ACCESS_KEY_ID,
                Type.STRING,
                "",
                Importance.HIGH,
                "CXone access key id (data-extraction: the password grant's username).",
                GROUP,
                ++order,
                Width.MEDIUM,
                "Access key id");
        def.define(
                ACCESS_KEY_SECRET,
                Type.PASSWORD,
                "",
                Importance.HIGH,
                "CXone access key secret (data-extraction: the password grant's password).",
                GROUP,
                ++order,
                Width.MEDIUM,
                "Access key secret");
    }
}
