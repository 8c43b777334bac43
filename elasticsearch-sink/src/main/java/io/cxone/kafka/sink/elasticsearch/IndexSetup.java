package io.cxone.kafka.sink.elasticsearch;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxone.kafka.sink.elasticsearch.client.ElasticsearchClients;
import io.cxone.kafka.sink.elasticsearch.ilm.IlmPolicy;
import io.cxone.kafka.sink.elasticsearch.mapping.HeaderFields;
import io.cxone.kafka.sink.elasticsearch.mapping.MappingBuilder;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.http.util.EntityUtils;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prepares the indices a record is written to, before its document is queued: the ILM policy (once), an index
 * template per index pattern carrying the mapping derived from the record schema (again whenever the schema
 * changes) and the ILM settings, and, with ILM, the first backing index behind the rollover alias.
 *
 * <p>Transport errors surface as {@link RetriableException} (Connect redelivers the batch after a backoff);
 * a request Elasticsearch refuses (a template it cannot take, missing privileges) as {@link ConnectException}.
 */
public final class IndexSetup implements IndexTargets {

    private static final Logger log = LoggerFactory.getLogger(IndexSetup.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String TEMPLATE_PREFIX = "cxone-sink-";
    static final int TEMPLATE_PRIORITY = 200;

    public enum IlmState {
        NOT_CONFIGURED,
        UNKNOWN,
        ACTIVE,
        UNAVAILABLE
    }

    private final RestClient rest;
    private final IndexNames names;
    private final HeaderFields headers;
    private MappingBuilder mappings;
    private final ElasticsearchSinkConfig config;
    private final boolean schemaIgnore;
    private final Optional<IlmPolicy> policy;
    private final String policyName;
    private final boolean ilmRequired;
    private final String connectorName;

    private IlmState ilm;
    private final Map<String, Schema> templatedSchema = new HashMap<>();
    private final Set<String> templated = new HashSet<>();
    private final Set<String> bootstrappedAliases = new HashSet<>();

    public IndexSetup(
            RestClient rest, ElasticsearchSinkConfig config, Optional<IlmPolicy> policy, String connectorName) {
        this.rest = rest;
        this.config = config;
        this.names = IndexNames.of(config);
        this.headers = HeaderFields.of(config, connectorName);
        this.mappings =
                new MappingBuilder(config.textSubfield(), config.decimalMapping(), config.mapMapping(), headers);
        this.schemaIgnore = config.schemaIgnore();
        this.policy = policy;
        this.policyName = config.ilmPolicyName();
        this.ilmRequired = config.ilmRequired();
        this.connectorName = connectorName;
        this.ilm = policy.isPresent() ? IlmState.UNKNOWN : IlmState.NOT_CONFIGURED;
    }

    @Override
    public String prepare(String topic, Long timestamp, Schema valueSchema) {
        ensureIlm();
        String target = names.index(topic, timestamp);
        String pattern = ilm == IlmState.ACTIVE ? target + "-*" : names.templatePattern(topic);
        Schema schema = schemaIgnore ? null : valueSchema;
        if (!templated.contains(pattern) || !sameSchema(templatedSchema.get(pattern), schema)) {
            putTemplate(pattern, target, schema);
            templated.add(pattern);
            templatedSchema.put(pattern, schema);
        }
        if (ilm == IlmState.ACTIVE && !bootstrappedAliases.contains(target)) {
            bootstrapAlias(target);
            bootstrappedAliases.add(target);
        }
        return target;
    }

    @Override
    public String target(String topic, Long timestamp) {
        ensureIlm();
        return names.index(topic, timestamp);
    }

    public IlmState ilmState() {
        return ilm;
    }

    /** PUT _ilm/policy once; a cluster without ILM gets one warning (or a failure with ilm.required=true). */
    public IlmState ensureIlm() {
        if (ilm != IlmState.UNKNOWN) {
            return ilm;
        }
        Request request = new Request("PUT", "/_ilm/policy/" + policyName);
        request.setJsonEntity(policy.orElseThrow().toJson());
        try {
            rest.performRequest(request);
            ilm = IlmState.ACTIVE;
            log.info(
                    "connector {}: ILM policy {} applied; indices are written through rollover aliases",
                    connectorName,
                    policyName);
        } catch (ResponseException e) {
            int status = e.getResponse().getStatusLine().getStatusCode();
            String body = bodyOf(e.getResponse());
            if (status == 404
                    || status == 405
                    || status == 410
                    || (status == 400 && body.contains("no handler found"))) {
                if (ilmRequired) {
                    throw new ConnectException("connector " + connectorName
                            + ": ilm.required=true but the Elasticsearch cluster has no ILM " + "(PUT _ilm/policy/"
                            + policyName + " answered " + status + ")");
                }
                ilm = IlmState.UNAVAILABLE;
                log.warn(
                        "connector {}: the Elasticsearch cluster has no ILM (PUT _ilm/policy/{} answered {}); writing plain indices "
                                + "without lifecycle policy {} (set ilm.required=true to fail instead)",
                        connectorName,
                        policyName,
                        status,
                        policyName);
            } else {
                throw failure("PUT _ilm/policy/" + policyName, status, body);
            }
        } catch (IOException e) {
            throw new RetriableException(
                    "connector " + connectorName + ": cannot reach Elasticsearch to apply ILM policy " + policyName
                            + ": " + e,
                    e);
        }
        return ilm;
    }

    private void putTemplate(String pattern, String target, Schema schema) {
        Optional<ObjectNode> mapping = schema == null ? Optional.empty() : mappings.mappings(schema);
        if (mapping.isEmpty() && ilm != IlmState.ACTIVE) {
            return;
        }
        ObjectNode body = JSON.createObjectNode();
        body.putArray("index_patterns").add(pattern);
        body.put("priority", TEMPLATE_PRIORITY);
        ObjectNode template = body.putObject("template");
        if (ilm == IlmState.ACTIVE) {
            template.putObject("settings")
                    .put("index.lifecycle.name", policyName)
                    .put("index.lifecycle.rollover_alias", target);
        }
        mapping.ifPresent(m -> template.set("mappings", m));
        body.putObject("_meta").put("managed_by", "cxone-elasticsearch-sink").put("connector", connectorName);
        String name = templateName(pattern);
        Request request = new Request("PUT", "/_index_template/" + name);
        request.setJsonEntity(body.toString());
        try {
            perform(request, "PUT _index_template/" + name);
        } catch (ConnectException e) {
            if (!(e instanceof RetriableException) && fallBackFromMissingMapperType(e.getMessage())) {
                putTemplate(pattern, target, schema);
                return;
            }
            throw e;
        }
        log.info(
                "connector {}: index template {} for {} applied ({}{})",
                connectorName,
                name,
                pattern,
                schema == null ? "no schema mapping" : "mapping of " + describe(schema),
                ilm == IlmState.ACTIVE ? ", ILM policy " + policyName : "");
        if (mapping.isPresent()) {
            // The template shapes new indices; an index that already exists takes the new fields directly.
            Request put = new Request("PUT", "/" + target + "/_mapping");
            put.setJsonEntity(mapping.get().toString());
            try {
                rest.performRequest(put);
            } catch (ResponseException e) {
                int status = e.getResponse().getStatusLine().getStatusCode();
                if (status != 404) {
                    log.warn(
                            "connector {}: index {} keeps its mapping; the new schema {} does not fit it: {}",
                            connectorName,
                            target,
                            describe(schema),
                            bodyOf(e.getResponse()));
                }
            } catch (IOException e) {
                throw new RetriableException(
                        "cannot reach Elasticsearch to update the mapping of " + target + ": " + e, e);
            }
        }
    }

    /**
     * scaled_float lives in the mapper-extras module, which some distributions lack (the local integ-test one does):
     * map decimals as keyword there, with one warning, rather than failing. Same for flattened → object.
     */
    private boolean fallBackFromMissingMapperType(String error) {
        if (error.contains("mapper type [scaled_float]") && !decimalFallback) {
            decimalFallback = true;
            log.warn(
                    "connector {}: this Elasticsearch has no scaled_float field type; mapping decimals as keyword",
                    connectorName);
        } else if (error.contains("mapper type [flattened]") && !mapFallback) {
            mapFallback = true;
            log.warn(
                    "connector {}: this Elasticsearch has no flattened field type; mapping string maps as object",
                    connectorName);
        } else {
            return false;
        }
        mappings = new MappingBuilder(
                config.textSubfield(),
                decimalFallback ? ElasticsearchSinkConfig.DecimalMapping.KEYWORD : config.decimalMapping(),
                mapFallback ? ElasticsearchSinkConfig.MapMapping.OBJECT : config.mapMapping(),
                headers);
        return true;
    }

    private boolean decimalFallback;
    private boolean mapFallback;

    private void bootstrapAlias(String alias) {
        try {
            Response exists = rest.performRequest(new Request("HEAD", "/_alias/" + alias));
            if (exists.getStatusLine().getStatusCode() == 200) {
                return;
            }
        } catch (IOException e) {
            throw new RetriableException("cannot reach Elasticsearch to check alias " + alias + ": " + e, e);
        }
        String first = alias + "-000001";
        Request create = new Request("PUT", "/" + first);
        create.setJsonEntity("{\"aliases\":{\"" + alias + "\":{\"is_write_index\":true}}}");
        try {
            rest.performRequest(create);
            log.info("connector {}: created {} as the write index of rollover alias {}", connectorName, first, alias);
        } catch (ResponseException e) {
            String body = bodyOf(e.getResponse());
            if (!body.contains("resource_already_exists_exception")) {
                log.warn(
                        "connector {}: cannot bootstrap rollover alias {} ({}); writing to {} as it is",
                        connectorName,
                        alias,
                        body,
                        alias);
            }
        } catch (IOException e) {
            throw new RetriableException("cannot reach Elasticsearch to create " + first + ": " + e, e);
        }
    }

    private void perform(Request request, String what) {
        try {
            rest.performRequest(request);
        } catch (ResponseException e) {
            throw failure(what, e.getResponse().getStatusLine().getStatusCode(), bodyOf(e.getResponse()));
        } catch (IOException e) {
            throw new RetriableException("cannot reach Elasticsearch for " + what + ": " + e, e);
        }
    }

    private RuntimeException failure(String what, int status, String body) {
        if (status == 429 || status >= 500) {
            return new RetriableException(what + " answered " + status + ": " + body);
        }
        if (status == 401 || status == 403) {
            return new ConnectException("connector " + connectorName + ": " + what + ": "
                    + ElasticsearchClients.rejected(config, status) + ": " + body);
        }
        return new ConnectException("connector " + connectorName + ": " + what + " answered " + status + ": " + body);
    }

    static String templateName(String pattern) {
        return TEMPLATE_PREFIX + pattern.replace("*", "");
    }

    private static boolean sameSchema(Schema a, Schema b) {
        return a == b || (a != null && a.equals(b));
    }

    private static String describe(Schema schema) {
        return (schema.name() != null ? schema.name() : schema.type().getName())
                + (schema.version() != null ? " v" + schema.version() : "");
    }

    private static String bodyOf(Response response) {
        try {
            return response.getEntity() == null ? "" : EntityUtils.toString(response.getEntity());
        } catch (IOException e) {
            return "";
        }
    }
}
