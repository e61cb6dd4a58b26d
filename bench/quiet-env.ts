// Imported first by every bench entry point: the handlers' logger and metrics read their settings when their
// modules load, and the SDK's Node version notice would interleave with the JSON lines the bench prints. Metrics
// (CloudWatch embedded metric format) would otherwise print one JSON object per order to stdout.
process.env.POWERTOOLS_LOG_LEVEL = 'CRITICAL';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

export {};
