import fs from 'node:fs';
import path from 'node:path';

export class DataDirInUseError extends Error {
	constructor(dataDir: string, pid: number) {
		super(
			`The data directory ${dataDir} is already in use by another CX Workshop process (pid ${pid}).\n` +
				`PGlite allows one process per data directory: stop the other one, or set DATA_DIR to another folder.`
		);
	}
}

function isRunning(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/**
 * Takes an exclusive lock on a data directory. Two processes on one PGlite directory corrupt it
 * silently (pglite#1106), so a second one must fail at once. A lock left by a dead process is taken over.
 */
export function acquireLock(dataDir: string): () => void {
	fs.mkdirSync(dataDir, { recursive: true });
	const file = path.join(dataDir, 'cx-workshop.lock');
	for (let attempt = 0; attempt < 2; attempt++) {
		try {
			fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
			let released = false;
			const release = () => {
				if (released) return;
				released = true;
				fs.rmSync(file, { force: true });
				process.off('exit', release);
			};
			process.on('exit', release);
			return release;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
			const pid = Number(fs.readFileSync(file, 'utf8'));
			if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isRunning(pid)) {
				throw new DataDirInUseError(dataDir, pid);
			}
			if (pid === process.pid) throw new DataDirInUseError(dataDir, pid);
			fs.rmSync(file, { force: true });
		}
	}
	throw new Error(`Could not lock ${dataDir}`);
}
