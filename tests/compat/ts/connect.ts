// Points the official SDK at a dialbook server and logs in with client
// credentials. setEnvironment() always builds https:// URLs of a Genesys
// region; the gateway moves both the login and the API calls.
import * as platformClient from 'purecloud-platform-client-v2';

export async function connectToDialbook(
  host: string,
  port: number,
  clientId: string,
  clientSecret: string,
): Promise<platformClient.OutboundApi> {
  const client = platformClient.ApiClient.instance;
  // In Node the SDK otherwise re-reads ~/.genesyscloudjavascript/config
  // whenever it changes, which may point it somewhere else.
  client.config.live_reload_config = false;
  client.setGateway({ host, port, protocol: 'http' });
  await client.loginClientCredentialsGrant(clientId, clientSecret);
  return new platformClient.OutboundApi();
}

// In a browser the SDK refuses the client credentials grant, which would put
// the secret in the page: get a token where the secret is kept
// (POST /oauth/token) and hand the SDK the token alone.
export function useDialbookToken(
  host: string,
  port: number,
  accessToken: string,
): platformClient.OutboundApi {
  const client = platformClient.ApiClient.instance;
  client.setGateway({ host, port, protocol: 'http' });
  client.setAccessToken(accessToken);
  return new platformClient.OutboundApi();
}
