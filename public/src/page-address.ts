// A page that came as the answer to a POST (the landing page answers the LTI launch) gives its
// own GET address: putting it in the history means a reload or a bookmark fetches that address
// instead of posting the single-use id_token again.
const address = document.querySelector<HTMLMetaElement>('meta[name="silta-page-address"]')?.content;
if (address) history.replaceState(history.state, '', address);
