// What the admin's key form and the server both check (no server code: the form imports it).
export const MAX_KEY_NAME_LENGTH = 100;
