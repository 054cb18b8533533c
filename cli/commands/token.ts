import { Credentials, checkGrant } from '../../server/auth/credentials.ts';
import { ROLES } from '../../server/auth/roles.ts';
import { openWarehouse, progress, type Command } from '../command.ts';

export const tokenCommand: Command = {
  name: 'token',
  usage: `brandscore token create --role ${ROLES.join('|')} [--brand ID] [--label TEXT] [--db FILE]`,
  summary: 'Create an API token; it is printed once and only its SHA-256 is stored',
  positionals: true,
  options: { role: { type: 'string' }, brand: { type: 'string' }, label: { type: 'string' } },
  async run({ values, positionals }) {
    if (positionals.length !== 1 || positionals[0] !== 'create') throw new Error('usage: brandscore token create --role ROLE [--brand ID]');
    if (typeof values.role !== 'string') throw new Error(`token create needs --role (${ROLES.join(', ')})`);
    // Checked before the database is opened, so a typo does not wait for (or fight over) the file.
    const grant = checkGrant({ role: values.role, brandId: values.brand as string | undefined });
    const warehouse = await openWarehouse(values);
    try {
      const token = await new Credentials(warehouse).createToken({ ...grant, label: values.label as string | undefined });
      progress(`created a ${grant.role}${grant.brandId ? ` token for brand ${grant.brandId}` : ' token'}; it is shown only now:`);
      console.log(token);
      return 0;
    } finally {
      warehouse.close();
    }
  },
};
