import { env } from '$env/dynamic/public';
import { supabaseConfig } from './supabaseAuth';

/**
 * This deployment's Supabase Auth settings when members sign in with it; null when they use the
 * app's own accounts. Read once: the environment does not change while the server runs.
 */
export const supabaseAuth = supabaseConfig({ ...env });
