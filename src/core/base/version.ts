import packageJson from '../../../package.json';

export const tokenwiseVersion: string = packageJson.version;
