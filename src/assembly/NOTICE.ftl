<#-- license-maven-plugin template for doc/NOTICE of each Connect plugin (execution plugin-notice in the parent pom) -->
cxone-kafka-connect
Licensed under the Apache License, Version 2.0 (doc/LICENSE).

This plugin bundles the third-party components below, each under the license named before it.
<#if dependencyMap?size == 0>
(none)
<#else>
<#-- what connect-plugin-content.xml leaves out (the worker's own jars), and this project's modules -->
<#assign notBundled = ["org.apache.kafka", "org.slf4j", "org.apache.logging.log4j", "io.cxone.kafka"]/>
<#list dependencyMap as e>
<#assign project = e.getKey()/>
<#assign licenses = e.getValue()/>
<#if !notBundled?seq_contains(project.groupId)>
  (<#list licenses as license>${license}<#sep>, </#sep></#list>) ${project.name!project.artifactId} (${project.groupId}:${project.artifactId}:${project.version}<#if project.url??> - ${project.url}</#if>)
</#if>
</#list>
</#if>
