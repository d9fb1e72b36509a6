import type { LtijsProvider } from 'ltijs';
import type { LaunchContext } from './launch-context';

export type ResourceLinkItem = {
  title: string;
  text?: string;
  custom: Record<string, string>;
  lineItem?: { scoreMaximum: number; label: string; resourceId: string; tag: string };
};

/**
 * Signs an LtiDeepLinkingResponse carrying LtiResourceLink content items, with ltijs and the tool
 * key registered for that platform. Returns the JWT to post to the platform's return URL.
 */
export async function signDeepLinkingResponse(
  lti: LtijsProvider,
  launch: {
    issuer: string;
    clientId: string;
    deploymentId: string;
    settings: NonNullable<LaunchContext['deepLinking']>;
  },
  launchUrl: string,
  items: ResourceLinkItem[],
  message: string,
): Promise<string> {
  const idtoken = {
    iss: launch.issuer,
    clientId: launch.clientId,
    deploymentId: launch.deploymentId,
    platformContext: {
      deepLinkingSettings: {
        deep_link_return_url: launch.settings.returnUrl,
        accept_types: launch.settings.acceptTypes,
        accept_multiple: launch.settings.acceptMultiple,
        data: launch.settings.data,
      },
    },
  };
  const contentItems = items.map((item) => ({
    type: 'ltiResourceLink',
    title: item.title,
    text: item.text,
    url: launchUrl,
    custom: item.custom,
    ...(item.lineItem ? { lineItem: item.lineItem } : {}),
  }));
  return lti.DeepLinking.createDeepLinkingMessage(idtoken, contentItems, { message });
}
