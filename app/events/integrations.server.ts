// The integrations that receive referral events, registered once on import
// (the worker's registry imports this file). Each lives in its own folder.
import "~/integrations/flow/sink.server";
import "~/integrations/klaviyo/sink.server";
import "~/integrations/webhooks/sink.server";
