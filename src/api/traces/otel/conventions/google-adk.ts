// Google ADK: GenAI conventions plus its own request/response attributes.
// https://github.com/google/adk-python (src/google/adk/telemetry/tracing.py)
import { firstOf, type Convention } from '../convention.js';

const INPUTS = ['gcp.vertex.agent.llm_request', 'gcp.vertex.agent.tool_call_args'];
const OUTPUTS = ['gcp.vertex.agent.llm_response', 'gcp.vertex.agent.tool_response'];

export const googleAdk: Convention = {
  name: 'google-adk',
  keys: [...INPUTS, ...OUTPUTS],
  inputs: firstOf(INPUTS),
  outputs: firstOf(OUTPUTS),
};
